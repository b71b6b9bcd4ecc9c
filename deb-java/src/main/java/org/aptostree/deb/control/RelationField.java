package org.aptostree.deb.control;

import java.util.List;

import org.aptostree.deb.DebFormatException;

/**
 * The relation fields and the per-field rules dpkg enforces when parsing them
 * (lib/dpkg/fields.c {@code f_dependency}), plus the source-package fields, which additionally
 * allow architecture restrictions {@code [amd64 !i386]}, build profiles {@code <!nocheck>} and a
 * trailing comma (deb-src-control(5)).
 *
 * <p>Parse a value with {@link #parse(String)}, e.g.
 * {@code RelationField.DEPENDS.parse("libc6 (>= 2.36), debconf | debconf-2.0")}.
 */
public enum RelationField {
    DEPENDS("Depends", true, false, false, false),
    PRE_DEPENDS("Pre-Depends", true, false, false, false),
    RECOMMENDS("Recommends", true, false, false, false),
    SUGGESTS("Suggests", true, false, false, false),
    ENHANCES("Enhances", true, false, false, false),
    CONFLICTS("Conflicts", false, false, true, false),
    BREAKS("Breaks", false, false, true, false),
    REPLACES("Replaces", false, false, true, false),
    /** Provides: no alternatives, and only {@code =} versions (dpkg ≥ 1.17.11). */
    PROVIDES("Provides", false, true, false, false),
    /** Built-Using: source package names with {@code =} versions. */
    BUILT_USING("Built-Using", false, false, false, false),
    STATIC_BUILT_USING("Static-Built-Using", false, false, false, false),
    BUILD_DEPENDS("Build-Depends", true, false, false, true),
    BUILD_DEPENDS_ARCH("Build-Depends-Arch", true, false, false, true),
    BUILD_DEPENDS_INDEP("Build-Depends-Indep", true, false, false, true),
    BUILD_CONFLICTS("Build-Conflicts", false, false, true, true),
    BUILD_CONFLICTS_ARCH("Build-Conflicts-Arch", false, false, true, true),
    BUILD_CONFLICTS_INDEP("Build-Conflicts-Indep", false, false, true, true);

    /** The binary-package relation fields, in dpkg's order of the Packages/status stanza. */
    public static final List<RelationField> BINARY = List.of(DEPENDS, PRE_DEPENDS, RECOMMENDS, SUGGESTS,
            BREAKS, CONFLICTS, PROVIDES, REPLACES, ENHANCES);

    private final String fieldName;
    private final boolean alternatives;
    private final boolean exactVersionsOnly;
    private final boolean implicitAny;
    private final boolean source;

    RelationField(String fieldName, boolean alternatives, boolean exactVersionsOnly, boolean implicitAny, boolean source) {
        this.fieldName = fieldName;
        this.alternatives = alternatives;
        this.exactVersionsOnly = exactVersionsOnly;
        this.implicitAny = implicitAny;
        this.source = source;
    }

    /** The field name as dpkg writes it, e.g. {@code "Pre-Depends"}. */
    public String fieldName() {
        return fieldName;
    }

    /** True when {@code |} alternatives are allowed (Depends-like fields and Build-Depends*). */
    public boolean allowsAlternatives() {
        return alternatives;
    }

    /** True when only {@code =} version constraints are allowed (Provides). */
    public boolean exactVersionsOnly() {
        return exactVersionsOnly;
    }

    /**
     * True when an unqualified reference matches packages of any architecture (Conflicts, Breaks,
     * Replaces, Build-Conflicts*); otherwise it means the depending package's own architecture.
     */
    public boolean implicitAnyArchitecture() {
        return implicitAny;
    }

    /** True for source-package fields, which allow {@code [arch]} and {@code <profile>} restrictions. */
    public boolean isSourceField() {
        return source;
    }

    /** The field with this name (case-insensitive), or null. */
    public static RelationField byName(String name) {
        for (RelationField f : values()) {
            if (f.fieldName.equalsIgnoreCase(name)) {
                return f;
            }
        }
        return null;
    }

    /**
     * Parses a field value (continuation lines allowed) into its comma-separated dependencies.
     * An empty or blank value yields an empty list.
     *
     * @throws DebFormatException with dpkg's message and the character offset in {@code value}
     */
    public List<Dependency> parse(String value) throws DebFormatException {
        return new RelationParser(this, value).parse();
    }
}
