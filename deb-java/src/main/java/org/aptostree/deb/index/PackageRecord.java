package org.aptostree.deb.index;

import java.io.UncheckedIOException;
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
 * Immutable; two records are equal when their stanzas are.
 *
 * <p>Relation lists are empty when the field is absent. Names and architectures are as written;
 * nothing is resolved against other packages here.
 *
 * <p>A record made by {@link #from(Paragraph)} has every relation field parsed, and checked, when it is made.
 * A record read by {@link PackageIndex} parses a relation field when it is first asked for: an index holds
 * ~70,000 stanzas and a resolution looks at the relations of a few hundred, so parsing all of them was most of
 * the reading time. A malformed relation field of such a record is reported when it is asked for, as an
 * {@link UncheckedIOException} whose cause is the {@link DebFormatException} with the field's line in the index.
 */
public final class PackageRecord {
    private final String name;
    private final Version version;
    private final String architecture;
    private final MultiArch multiArch;
    private final boolean essential;
    private final Paragraph paragraph;
    /** Shares the parsed relations with the other records of one index; null when nothing is shared. */
    private final SharedValues shared;
    /**
     * The relation fields Depends … Provides by {@link #slot}; null until parsed. Filled at most once per element
     * with an immutable list (a race parses the field twice to equal lists, which is harmless).
     */
    private final List<Dependency>[] relations;

    @SuppressWarnings("unchecked")
    private PackageRecord(String name, Version version, String architecture, MultiArch multiArch, boolean essential,
                          Paragraph paragraph, SharedValues shared) {
        this.name = Objects.requireNonNull(name, "name");
        this.version = Objects.requireNonNull(version, "version");
        this.architecture = Objects.requireNonNull(architecture, "architecture");
        this.multiArch = Objects.requireNonNull(multiArch, "multiArch");
        this.essential = essential;
        this.paragraph = Objects.requireNonNull(paragraph, "paragraph");
        this.shared = shared;
        this.relations = new List[SLOTS];
    }

    /**
     * Reads a stanza: Package, Version and Architecture are required; relation fields are parsed
     * with dpkg's rules for binary packages.
     *
     * @throws DebFormatException for a missing field, a bad version or relation, with the field's line
     */
    public static PackageRecord from(Paragraph p) throws DebFormatException {
        PackageRecord r = from(p, null);
        for (RelationField field : RelationField.BINARY) {
            r.relations[slot(field)] = parse(p, field, null);
        }
        return r;
    }

    /**
     * Like {@link #from(Paragraph)} but with the relation fields left to be parsed when asked for, sharing equal
     * versions, architectures and relations with the other records of one index through {@code shared}; null
     * means nothing is shared.
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
        return new PackageRecord(name, version, architecture, multiArch, essential, p, shared);
    }

    /** The Package field. */
    public String name() {
        return name;
    }

    /** The Version field, parsed as dpkg does. */
    public Version version() {
        return version;
    }

    /** The Architecture field (e.g. {@code amd64}, {@code all}). */
    public String architecture() {
        return architecture;
    }

    /** The Multi-Arch field ({@link MultiArch#NO} when absent). */
    public MultiArch multiArch() {
        return multiArch;
    }

    /** True when {@code Essential: yes}. */
    public boolean essential() {
        return essential;
    }

    /** Depends. */
    public List<Dependency> depends() {
        return relations(RelationField.DEPENDS);
    }

    /** Pre-Depends. */
    public List<Dependency> preDepends() {
        return relations(RelationField.PRE_DEPENDS);
    }

    /** Recommends. */
    public List<Dependency> recommends() {
        return relations(RelationField.RECOMMENDS);
    }

    /** Suggests. */
    public List<Dependency> suggests() {
        return relations(RelationField.SUGGESTS);
    }

    /** Enhances. */
    public List<Dependency> enhances() {
        return relations(RelationField.ENHANCES);
    }

    /** Conflicts (single alternatives only). */
    public List<Dependency> conflicts() {
        return relations(RelationField.CONFLICTS);
    }

    /** Breaks (single alternatives only). */
    public List<Dependency> breaks() {
        return relations(RelationField.BREAKS);
    }

    /** Replaces (single alternatives only). */
    public List<Dependency> replaces() {
        return relations(RelationField.REPLACES);
    }

    /** Provides (single alternatives, {@code =} versions only). */
    public List<Dependency> provides() {
        return relations(RelationField.PROVIDES);
    }

    /** The complete stanza, for every other field. */
    public Paragraph paragraph() {
        return paragraph;
    }

    /**
     * The dependencies of one relation field of this record (Depends … Provides; source fields are empty).
     *
     * @throws UncheckedIOException for a record read from an index whose field is malformed (see the class comment)
     */
    public List<Dependency> relations(RelationField field) {
        int slot = slot(field);
        if (slot < 0) {
            return List.of();
        }
        List<Dependency> parsed = relations[slot];
        if (parsed == null) {
            try {
                parsed = parse(paragraph, field, shared);
            } catch (DebFormatException e) {
                throw new UncheckedIOException(this + ": " + e.getMessage(), e);
            }
            relations[slot] = parsed;
        }
        return parsed;
    }

    private static final int SLOTS = 9;

    private static int slot(RelationField field) {
        return switch (field) {
            case DEPENDS -> 0;
            case PRE_DEPENDS -> 1;
            case RECOMMENDS -> 2;
            case SUGGESTS -> 3;
            case ENHANCES -> 4;
            case CONFLICTS -> 5;
            case BREAKS -> 6;
            case REPLACES -> 7;
            case PROVIDES -> 8;
            default -> -1;
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

    private static List<Dependency> parse(Paragraph p, RelationField field, SharedValues shared) throws DebFormatException {
        String value = p.valueOrNull(field.fieldName());
        if (value == null) {
            return List.of();
        }
        try {
            if (shared == null) {
                return field.parse(value);
            }
            // Records are read on one thread but may be asked for their relations on any.
            synchronized (shared) {
                return shared.relations(field, value);
            }
        } catch (DebFormatException e) {
            throw relocate(p, field.fieldName(), e.reason(), e);
        }
    }

    /** Equal when the stanzas are equal (every other part is read from the stanza). */
    @Override
    public boolean equals(Object o) {
        return o instanceof PackageRecord r && r.paragraph.equals(paragraph);
    }

    @Override
    public int hashCode() {
        return paragraph.hashCode();
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
