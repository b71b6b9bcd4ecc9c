package org.aptostree.deb.control;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.aptostree.deb.DebFormatException;

/**
 * One deb822 stanza (a "paragraph"): an immutable, ordered list of {@link Field}s with
 * case-insensitive lookup. Field order is kept as read or built; no two fields share a name.
 *
 * <p>Build one with {@link #of(Field...)} or {@link #builder()}; derive modified copies with
 * {@link #with(String, String)} and {@link #without(String)}. {@link #toString()} is the stanza
 * text as written by {@link Deb822Writer} (without the blank separator line).
 */
public final class Paragraph {
    private final List<Field> fields;
    private final long line;
    /** ASCII-case-folded hashes of the names, so that lookups rarely need equalsIgnoreCase. */
    private final int[] foldedHashes;

    Paragraph(List<Field> fields, long line) {
        this.fields = fields;
        this.line = line;
        this.foldedHashes = new int[fields.size()];
        for (int i = 0; i < foldedHashes.length; i++) {
            foldedHashes[i] = foldedHash(fields.get(i).name());
        }
    }

    private Paragraph(List<Field> fields, long line, int[] foldedHashes) {
        this.fields = fields;
        this.line = line;
        this.foldedHashes = foldedHashes;
    }

    static int foldedHash(String name) {
        int h = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            h = 31 * h + (c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        return h;
    }

    private int indexOf(String name) {
        // Names read from files are interned, so the common lookup with a literal matches by identity.
        for (int i = 0; i < foldedHashes.length; i++) {
            if (fields.get(i).name() == name) {
                return i;
            }
        }
        int h = foldedHash(name);
        for (int i = 0; i < foldedHashes.length; i++) {
            if (foldedHashes[i] == h && fields.get(i).is(name)) {
                return i;
            }
        }
        return -1;
    }

    /** A paragraph of the given fields, in order. */
    public static Paragraph of(Field... fields) {
        Builder b = builder();
        for (Field f : fields) {
            b.add(f.name(), f.value());
        }
        return b.build();
    }

    /** An empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The fields in order. */
    public List<Field> fields() {
        return fields;
    }

    /** The number of fields. */
    public int size() {
        return fields.size();
    }

    /** The 1-based line this paragraph started on in its source, or -1 when built in memory. */
    public long line() {
        return line;
    }

    /** The field named {@code name} (ASCII case-insensitive), if present. */
    public Optional<Field> field(String name) {
        int i = indexOf(name);
        return i < 0 ? Optional.empty() : Optional.of(fields.get(i));
    }

    /** The value of field {@code name} (case-insensitive), if present. */
    public Optional<String> get(String name) {
        String v = valueOrNull(name);
        return Optional.ofNullable(v);
    }

    /** The value of field {@code name} (case-insensitive), or null when absent; for hot loops. */
    public String valueOrNull(String name) {
        int i = indexOf(name);
        return i < 0 ? null : fields.get(i).value();
    }

    /** True when field {@code name} is present (case-insensitive). */
    public boolean has(String name) {
        return valueOrNull(name) != null;
    }

    /**
     * The value of a field that must be present.
     *
     * @throws DebFormatException "missing 'Name' field" at this paragraph's line
     */
    public String require(String name) throws DebFormatException {
        String v = valueOrNull(name);
        if (v == null) {
            throw DebFormatException.atLine("missing '" + name + "' field", line);
        }
        return v;
    }

    /** A copy with field {@code name} set to {@code value}: replaced in place when present, else appended. */
    public Paragraph with(String name, String value) {
        Field added = new Field(name, value);
        List<Field> copy = new ArrayList<>(fields);
        boolean replaced = false;
        for (int i = 0; i < copy.size(); i++) {
            if (copy.get(i).is(name)) {
                copy.set(i, added);
                replaced = true;
                break;
            }
        }
        if (!replaced) {
            copy.add(added);
        }
        return new Paragraph(Collections.unmodifiableList(copy), line);
    }

    /** A copy without field {@code name} (case-insensitive); this paragraph when absent. */
    public Paragraph without(String name) {
        if (!has(name)) {
            return this;
        }
        List<Field> copy = new ArrayList<>(fields.size());
        for (Field f : fields) {
            if (!f.is(name)) {
                copy.add(f);
            }
        }
        return new Paragraph(Collections.unmodifiableList(copy), line);
    }

    /** Equal when the same fields (names exactly, values exactly) are in the same order; the line is ignored. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Paragraph p && p.fields.equals(fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    /** The stanza text, one field per line (plus continuation lines), each ending in a newline. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Field f : fields) {
            b.append(f);
        }
        return b.toString();
    }

    /** Collects fields in order and refuses duplicates. */
    public static final class Builder {
        private List<Field> fields = new ArrayList<>();
        private int[] hashes = new int[16];
        private long line = -1;

        private Builder() {
        }

        /**
         * Appends a field.
         *
         * @throws IllegalArgumentException if the name is invalid, the value cannot be written,
         *                                  or a field of that name is already present
         */
        public Builder add(String name, String value) {
            if (has(name)) {
                throw new IllegalArgumentException("duplicate value for '" + name + "' field");
            }
            addUnchecked(name, value);
            return this;
        }

        /** Appends without the duplicate check; the reader has done it already. */
        void addUnchecked(String name, String value) {
            if (fields.size() == hashes.length) {
                hashes = java.util.Arrays.copyOf(hashes, hashes.length * 2);
            }
            hashes[fields.size()] = foldedHash(name);
            fields.add(new Field(name, value));
        }

        Builder line(long startLine) {
            this.line = startLine;
            return this;
        }

        /** True when a field of that name (case-insensitive) has been added. */
        public boolean has(String name) {
            int h = foldedHash(name);
            for (int i = 0; i < fields.size(); i++) {
                if (hashes[i] == h && fields.get(i).is(name)) {
                    return true;
                }
            }
            return false;
        }

        /** The paragraph; the builder may be reused afterwards. */
        public Paragraph build() {
            return new Paragraph(List.copyOf(fields), line);
        }

        /** Builds and resets, handing over the field list without a copy (the reader's hot path). */
        Paragraph buildAndReset() {
            Paragraph p = new Paragraph(Collections.unmodifiableList(fields), line,
                    java.util.Arrays.copyOf(hashes, fields.size()));
            fields = new ArrayList<>(fields.size() + 4);
            line = -1;
            return p;
        }
    }
}
