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

    Paragraph(List<Field> fields, long line) {
        this.fields = fields;
        this.line = line;
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
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            if (f.is(name)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** The value of field {@code name} (case-insensitive), if present. */
    public Optional<String> get(String name) {
        String v = valueOrNull(name);
        return Optional.ofNullable(v);
    }

    /** The value of field {@code name} (case-insensitive), or null when absent; for hot loops. */
    public String valueOrNull(String name) {
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            if (f.is(name)) {
                return f.value();
            }
        }
        return null;
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
        private final List<Field> fields = new ArrayList<>();
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
            for (Field f : fields) {
                if (f.is(name)) {
                    throw new IllegalArgumentException("duplicate value for '" + name + "' field");
                }
            }
            fields.add(new Field(name, value));
            return this;
        }

        /** Appends without the duplicate check; the reader has done it already. */
        void addUnchecked(String name, String value) {
            fields.add(new Field(name, value));
        }

        Builder line(long startLine) {
            this.line = startLine;
            return this;
        }

        /** True when a field of that name (case-insensitive) has been added. */
        public boolean has(String name) {
            for (Field f : fields) {
                if (f.is(name)) {
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
