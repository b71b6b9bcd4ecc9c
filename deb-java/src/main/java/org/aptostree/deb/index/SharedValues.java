package org.aptostree.deb.index;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.control.Dependency;
import org.aptostree.deb.control.Relation;
import org.aptostree.deb.control.RelationField;
import org.aptostree.deb.version.Version;

/**
 * The values that repeat across one Packages index (relation field values, single relations such as
 * {@code libc6 (>= 2.34)}, versions, package and architecture names), kept once and shared by the
 * records of that index. All are immutable and shared only when equal, so records read the same;
 * a parsed index is then a fraction of the size, which is most of the parsing time (the garbage
 * collector copies what is retained). Each table is cleared when it grows past a bound, so that
 * hostile input with endless distinct values cannot grow it without limit.
 */
final class SharedValues {
    private static final int LIMIT = 1 << 18;

    /** Parsed lists by field and value text: whole values repeat (e.g. {@code libc6 (>= 2.34)}). */
    private final Map<String, List<Dependency>>[] relationLists;
    private final Map<Dependency, Dependency> dependencies = new HashMap<>();
    private final Map<Relation, Relation> relations = new HashMap<>();
    private final Map<Version, Version> versions = new HashMap<>();
    private final Map<String, Version> versionsByText = new HashMap<>();
    private final Map<String, String> names = new HashMap<>();

    @SuppressWarnings("unchecked")
    SharedValues() {
        relationLists = new Map[RelationField.values().length];
        for (int i = 0; i < relationLists.length; i++) {
            relationLists[i] = new HashMap<>();
        }
    }

    /** The parsed value of relation field {@code field}, shared with earlier equal values and parts. */
    List<Dependency> relations(RelationField field, String value) throws DebFormatException {
        // Keyed by field too: the same text can be valid in Depends and invalid in Breaks.
        Map<String, List<Dependency>> byValue = relationLists[field.ordinal()];
        List<Dependency> list = byValue.get(value);
        if (list == null) {
            list = share(field.parse(value));
            put(byValue, value, list);
        }
        return list;
    }

    /** The version written as {@code text}, parsed once per distinct text. */
    Version version(String text) throws DebFormatException {
        Version v = versionsByText.get(text);
        if (v == null) {
            v = share(Version.parse(text));
            put(versionsByText, text, v);
        }
        return v;
    }

    /** One instance of each distinct name (package, architecture). */
    String name(String name) {
        String shared = names.get(name);
        if (shared == null) {
            put(names, name, name);
            return name;
        }
        return shared;
    }

    private List<Dependency> share(List<Dependency> parsed) {
        Dependency[] out = new Dependency[parsed.size()];
        for (int i = 0; i < out.length; i++) {
            Dependency d = parsed.get(i);
            Dependency shared = dependencies.get(d);
            if (shared == null) {
                List<Relation> alternatives = d.alternatives();
                Relation[] sharedAlternatives = new Relation[alternatives.size()];
                for (int j = 0; j < sharedAlternatives.length; j++) {
                    sharedAlternatives[j] = share(alternatives.get(j));
                }
                shared = new Dependency(List.of(sharedAlternatives));
                put(dependencies, shared, shared);
            }
            out[i] = shared;
        }
        return List.of(out);
    }

    private Relation share(Relation r) {
        Relation shared = relations.get(r);
        if (shared == null) {
            shared = new Relation(name(r.name()), r.architecture() == null ? null : name(r.architecture()),
                    r.operator(), r.version() == null ? null : share(r.version()),
                    r.architectureRestrictions(), r.profileRestrictions());
            put(relations, shared, shared);
        }
        return shared;
    }

    private Version share(Version v) {
        Version shared = versions.get(v);
        if (shared == null) {
            put(versions, v, v);
            return v;
        }
        return shared;
    }

    private static <K, V> void put(Map<K, V> map, K key, V value) {
        if (map.size() >= LIMIT) {
            map.clear();
        }
        map.put(key, value);
    }
}
