package org.aptostree.deb.index;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.control.Dependency;
import org.aptostree.deb.control.RelationField;
import org.aptostree.deb.version.Version;

/**
 * The values that repeat across one Packages index (the dependencies in relation fields, such as
 * {@code libc6 (>= 2.34)}, versions, architecture names), parsed once and shared by
 * the records of that index. All are immutable and shared only when their text is equal, so records
 * read the same; a parsed index is then a fraction of the size, and its size is most of the parsing
 * time (the garbage collector copies what is retained). Tables are keyed by text, not by the parsed
 * records, whose generated hashCode/equals are slow in C1-compiled code. Each table is cleared when
 * it grows past a bound, so that hostile input with endless distinct values cannot grow it without limit.
 * Not thread-safe: the records of an index lock it while they parse a relation field.
 */
final class SharedValues {
    private static final int LIMIT = 1 << 18;

    /**
     * Single dependencies by field and text: 3 in 5 repeat (whole values only 1 in 4, not worth
     * a table of their own).
     */
    private final Map<String, Dependency>[] dependencies;
    private final Map<String, Version> versions = new HashMap<>();
    private final Map<String, String> names = new HashMap<>();

    @SuppressWarnings("unchecked")
    SharedValues() {
        int fields = RelationField.values().length;
        dependencies = new Map[fields];
        for (int i = 0; i < fields; i++) {
            dependencies[i] = new HashMap<>();
        }
    }

    /**
     * The parsed value of relation field {@code field}, equal to {@code field.parse(value)}. Each
     * comma-separated part is parsed on its own and reused when seen before. That is the whole parse
     * exactly when every part is one dependency: a comma inside a version ({@code (= 1,2)}) leaves a
     * part with an unterminated version, an empty element a part with none; then, and for errors,
     * the whole value is parsed, so results and messages are {@code field.parse(value)}'s. Provides values are
     * parsed without the table: their parts rarely repeat (each names its package's own version; 66,000 distinct
     * parts of 68,600 in trixie), so looking them up only cost time.
     */
    List<Dependency> relations(RelationField field, String value) throws DebFormatException {
        if (value.indexOf(',') < 0 || field == RelationField.PROVIDES) {
            return field.parse(value);
        }
        // By field too: the same text can be valid in Depends and invalid in Breaks.
        Map<String, Dependency> byText = dependencies[field.ordinal()];
        List<Dependency> out = new ArrayList<>();
        int start = 0;
        while (true) {
            int comma = value.indexOf(',', start);
            int end = comma < 0 ? value.length() : comma;
            // The parser skips this white space around a dependency; leaving it out of the key shares more.
            while (start < end && isRelationSpace(value.charAt(start))) {
                start++;
            }
            while (end > start && isRelationSpace(value.charAt(end - 1))) {
                end--;
            }
            String text = value.substring(start, end);
            Dependency d = byText.get(text);
            if (d == null) {
                List<Dependency> parsed;
                try {
                    parsed = field.parse(text);
                } catch (DebFormatException e) {
                    return field.parse(value);
                }
                if (parsed.size() != 1) {
                    return field.parse(value);
                }
                d = parsed.get(0);
                put(byText, text, d);
            }
            out.add(d);
            if (comma < 0) {
                return List.copyOf(out);
            }
            start = comma + 1;
        }
    }

    /** The version written as {@code text}, parsed once per distinct text. */
    Version version(String text) throws DebFormatException {
        Version v = versions.get(text);
        if (v == null) {
            v = Version.parse(text);
            put(versions, text, v);
        }
        return v;
    }

    /** One instance of each distinct name (architectures: a handful of values on every record). */
    String name(String name) {
        String shared = names.get(name);
        if (shared == null) {
            put(names, name, name);
            return name;
        }
        return shared;
    }

    private static boolean isRelationSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }

    private static <K, V> void put(Map<K, V> map, K key, V value) {
        if (map.size() >= LIMIT) {
            map.clear();
        }
        map.put(key, value);
    }
}
