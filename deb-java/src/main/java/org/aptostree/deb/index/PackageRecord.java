package org.aptostree.deb.index;

import java.util.List;
import java.util.Objects;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.control.Dependency;
import org.aptostree.deb.control.Field;
import org.aptostree.deb.control.Paragraph;
import org.aptostree.deb.control.RelationField;
import org.aptostree.deb.version.Version;

/**
 * One binary package stanza of a Packages index (or a .deb's control file, or a status entry with
 * a version), with the fields a solver needs parsed and the whole stanza kept in {@link #paragraph()}.
 *
 * <p>Relation lists are empty when the field is absent. Names and architectures are as written;
 * nothing is resolved against other packages here.
 *
 * @param name         the Package field
 * @param version      the Version field, parsed as dpkg does
 * @param architecture the Architecture field (e.g. {@code amd64}, {@code all})
 * @param multiArch    the Multi-Arch field ({@link MultiArch#NO} when absent)
 * @param essential    true when {@code Essential: yes}
 * @param depends      Depends
 * @param preDepends   Pre-Depends
 * @param recommends   Recommends
 * @param suggests     Suggests
 * @param enhances     Enhances
 * @param conflicts    Conflicts (single alternatives only)
 * @param breaks       Breaks (single alternatives only)
 * @param replaces     Replaces (single alternatives only)
 * @param provides     Provides (single alternatives, {@code =} versions only)
 * @param paragraph    the complete stanza, for every other field
 */
public record PackageRecord(String name, Version version, String architecture, MultiArch multiArch, boolean essential,
                            List<Dependency> depends, List<Dependency> preDepends, List<Dependency> recommends,
                            List<Dependency> suggests, List<Dependency> enhances, List<Dependency> conflicts,
                            List<Dependency> breaks, List<Dependency> replaces, List<Dependency> provides,
                            Paragraph paragraph) {

    /** Null checks only; the lists are expected immutable (as {@link #from} makes them). */
    public PackageRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(multiArch, "multiArch");
        Objects.requireNonNull(paragraph, "paragraph");
    }

    /**
     * Reads a stanza: Package, Version and Architecture are required; relation fields are parsed
     * with dpkg's rules for binary packages.
     *
     * @throws DebFormatException for a missing field, a bad version or relation, with the field's line
     */
    public static PackageRecord from(Paragraph p) throws DebFormatException {
        return from(p, null);
    }

    /**
     * Like {@link #from(Paragraph)}, sharing equal versions, architectures and relations with the other
     * records of one index through {@code shared}; null means nothing is shared.
     */
    static PackageRecord from(Paragraph p, SharedValues shared) throws DebFormatException {
        String name = p.require("Package");
        String versionText = p.require("Version");
        String architecture = p.require("Architecture");
        Version version;
        try {
            version = shared == null ? Version.parse(versionText) : shared.version(versionText);
        } catch (DebFormatException e) {
            throw relocate(p, "Version", "'Version' field value '" + versionText + "': " + e.reason(), e);
        }
        if (shared != null) {
            architecture = shared.name(architecture);
        }
        MultiArch multiArch;
        try {
            multiArch = MultiArch.parse(p.valueOrNull("Multi-Arch"));
        } catch (DebFormatException e) {
            throw relocate(p, "Multi-Arch", e.reason(), e);
        }
        String essentialText = p.valueOrNull("Essential");
        boolean essential = "yes".equals(essentialText);
        if (essentialText != null && !essential && !"no".equals(essentialText)) {
            throw relocate(p, "Essential", "'Essential' field value '" + essentialText + "' is not 'yes' or 'no'", null);
        }
        return new PackageRecord(name, version, architecture, multiArch, essential,
                relations(p, RelationField.DEPENDS, shared), relations(p, RelationField.PRE_DEPENDS, shared),
                relations(p, RelationField.RECOMMENDS, shared), relations(p, RelationField.SUGGESTS, shared),
                relations(p, RelationField.ENHANCES, shared), relations(p, RelationField.CONFLICTS, shared),
                relations(p, RelationField.BREAKS, shared), relations(p, RelationField.REPLACES, shared),
                relations(p, RelationField.PROVIDES, shared), p);
    }

    /** The dependencies of one relation field of this record (Depends … Provides; source fields are empty). */
    public List<Dependency> relations(RelationField field) {
        return switch (field) {
            case DEPENDS -> depends;
            case PRE_DEPENDS -> preDepends;
            case RECOMMENDS -> recommends;
            case SUGGESTS -> suggests;
            case ENHANCES -> enhances;
            case CONFLICTS -> conflicts;
            case BREAKS -> breaks;
            case REPLACES -> replaces;
            case PROVIDES -> provides;
            default -> List.of();
        };
    }

    /** The value of any field (case-insensitive), or null. */
    public String field(String fieldName) {
        return paragraph.valueOrNull(fieldName);
    }

    /** The Filename field (path of the .deb relative to the mirror root), or null. */
    public String filename() {
        return paragraph.valueOrNull("Filename");
    }

    /** The Size field in bytes, or -1 when absent or not a number. */
    public long size() {
        return parseLong(paragraph.valueOrNull("Size"));
    }

    /** The SHA256 field (lower-case hex), or null. */
    public String sha256() {
        return paragraph.valueOrNull("SHA256");
    }

    /** The Installed-Size field in KiB, or -1 when absent or not a number. */
    public long installedSizeKiB() {
        return parseLong(paragraph.valueOrNull("Installed-Size"));
    }

    /** The Priority field, or null. */
    public String priority() {
        return paragraph.valueOrNull("Priority");
    }

    /** The Section field, or null. */
    public String section() {
        return paragraph.valueOrNull("Section");
    }

    /** The source package name: the Source field's name, or this package's name when absent. */
    public String sourceName() {
        String source = paragraph.valueOrNull("Source");
        if (source == null) {
            return name;
        }
        int space = source.indexOf(' ');
        return space < 0 ? source : source.substring(0, space);
    }

    /**
     * The source package version: the one in parentheses in the Source field ({@code Source: glibc (2.36-9)}),
     * else this package's version.
     */
    public Version sourceVersion() {
        String source = paragraph.valueOrNull("Source");
        if (source != null) {
            int open = source.indexOf('(');
            int close = source.indexOf(')', open + 1);
            if (open >= 0 && close > open) {
                try {
                    return Version.parse(source.substring(open + 1, close));
                } catch (DebFormatException e) {
                    return version;
                }
            }
        }
        return version;
    }

    /** {@code name version architecture}, e.g. {@code libc6 2.36-9 amd64}. */
    @Override
    public String toString() {
        return name + " " + version + " " + architecture;
    }

    private static List<Dependency> relations(Paragraph p, RelationField field, SharedValues shared)
            throws DebFormatException {
        String value = p.valueOrNull(field.fieldName());
        if (value == null) {
            return List.of();
        }
        try {
            return shared == null ? field.parse(value) : shared.relations(field, value);
        } catch (DebFormatException e) {
            throw relocate(p, field.fieldName(), e.reason(), e);
        }
    }

    /** Places an error of a field value at that field's line in the source file. */
    private static DebFormatException relocate(Paragraph p, String fieldName, String reason, Throwable cause) {
        long line = p.line();
        if (line >= 0) {
            for (Field f : p.fields()) {
                if (f.is(fieldName)) {
                    break;
                }
                line += 1 + f.value().chars().filter(c -> c == '\n').count();
            }
        }
        return new DebFormatException(reason, line, -1, cause);
    }

    private static long parseLong(String text) {
        if (text == null || text.isEmpty() || text.length() > 18) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
