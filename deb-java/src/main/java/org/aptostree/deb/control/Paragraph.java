package org.aptostree.deb.control;

import java.nio.charset.StandardCharsets;
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
    /** Field names in order; read paragraphs share one array per distinct name sequence. */
    private final String[] names;
    /** ASCII-case-folded hashes of the names, so that lookups rarely need equalsIgnoreCase. */
    private final int[] foldedHashes;
    /** The values, for paragraphs built in memory; null for read ones (see {@link #text}). */
    private final String[] values;
    /**
     * For read paragraphs: the UTF-8 bytes of all values back to back, value i ending at
     * {@code valueEnds[i]}. A Packages index keeps ~70,000 stanzas of ~25 fields; one byte array
     * per stanza instead of a Field, a String and a byte array per field is what keeps a parsed
     * index small and cheap for the garbage collector. Values are decoded when asked.
     */
    private final byte[] text;
    private final int[] valueEnds;
    private final long line;

    Paragraph(List<Field> fields, long line) {
        int n = fields.size();
        this.names = new String[n];
        this.values = new String[n];
        this.foldedHashes = new int[n];
        for (int i = 0; i < n; i++) {
            Field f = fields.get(i);
            names[i] = f.name();
            values[i] = f.value();
            foldedHashes[i] = foldedHash(f.name());
        }
        this.text = null;
        this.valueEnds = null;
        this.line = line;
    }

    /** A read paragraph; {@code names} and {@code foldedHashes} may be shared, the other arrays are its own. */
    Paragraph(String[] names, int[] foldedHashes, byte[] text, int[] valueEnds, long line) {
        this.names = names;
        this.foldedHashes = foldedHashes;
        this.values = null;
        this.text = text;
        this.valueEnds = valueEnds;
        this.line = line;
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
        String[] n = names;
        for (int i = 0; i < n.length; i++) {
            if (n[i] == name) {
                return i;
            }
        }
        int h = foldedHash(name);
        for (int i = 0; i < n.length; i++) {
            if (foldedHashes[i] == h && n[i].equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    private String valueAt(int i) {
        if (values != null) {
            return values[i];
        }
        int start = i == 0 ? 0 : valueEnds[i - 1];
        return new String(text, start, valueEnds[i] - start, StandardCharsets.UTF_8);
    }

    private Field fieldAt(int i) {
        return new Field(names[i], valueAt(i));
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

    /** The fields in order (an immutable list; read paragraphs decode it on each call). */
    public List<Field> fields() {
        Field[] all = new Field[names.length];
        for (int i = 0; i < all.length; i++) {
            all[i] = fieldAt(i);
        }
        return List.of(all);
    }

    /** The number of fields. */
    public int size() {
        return names.length;
    }

    /** The 1-based line this paragraph started on in its source, or -1 when built in memory. */
    public long line() {
        return line;
    }

    /** The field named {@code name} (ASCII case-insensitive), if present. */
    public Optional<Field> field(String name) {
        int i = indexOf(name);
        return i < 0 ? Optional.empty() : Optional.of(fieldAt(i));
    }

    /** The value of field {@code name} (case-insensitive), if present. */
    public Optional<String> get(String name) {
        String v = valueOrNull(name);
        return Optional.ofNullable(v);
    }

    /** The value of field {@code name} (case-insensitive), or null when absent; for hot loops. */
    public String valueOrNull(String name) {
        int i = indexOf(name);
        return i < 0 ? null : valueAt(i);
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
        List<Field> copy = new ArrayList<>(fields());
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
        List<Field> copy = new ArrayList<>(names.length);
        for (Field f : fields()) {
            if (!f.is(name)) {
                copy.add(f);
            }
        }
        return new Paragraph(Collections.unmodifiableList(copy), line);
    }

    /** Equal when the same fields (names exactly, values exactly) are in the same order; the line is ignored. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Paragraph p) || p.names.length != names.length) {
            return false;
        }
        for (int i = 0; i < names.length; i++) {
            if (!p.names[i].equals(names[i]) || !p.valueAt(i).equals(valueAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The hash of {@link #fields()}, as a list's. */
    @Override
    public int hashCode() {
        return fields().hashCode();
    }

    /** The stanza text, one field per line (plus continuation lines), each ending in a newline. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            b.append(fieldAt(i));
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
    }
}
