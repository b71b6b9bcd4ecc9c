package org.aptostree.daemon.system;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.aptostree.ostree.gvariant.Variant;
import org.aptostree.ostree.object.Commit;

/**
 * The packages a commit holds, from its {@code aptostree.packages} metadata ({@code a(sss)}: name, version,
 * architecture), which composes and layering write; sorted by name and architecture.
 */
public record CommitPackages(List<Entry> packages) {
    /** The metadata key. */
    public static final String KEY = "aptostree.packages";

    /** One package. */
    public record Entry(String name, String version, String architecture) {
        /** {@code name version arch}, as results and diffs list it. */
        @Override
        public String toString() {
            return name + " " + version + " " + architecture;
        }

        /** {@code name:arch}. */
        public String nameArch() {
            return name + ":" + architecture;
        }

        // Written out: a record's generated equals and hashCode are linked through invokedynamic at their first call,
        // which a layering paid for at its very end, comparing the package lists (JDK 17).
        @Override
        public boolean equals(Object other) {
            return other instanceof Entry e && name.equals(e.name) && version.equals(e.version) && architecture.equals(e.architecture);
        }

        @Override
        public int hashCode() {
            return (name.hashCode() * 31 + version.hashCode()) * 31 + architecture.hashCode();
        }
    }

    public CommitPackages {
        List<Entry> sorted = new ArrayList<>(packages);
        sorted.sort((a, b) -> a.name().equals(b.name()) ? a.architecture().compareTo(b.architecture()) : a.name().compareTo(b.name()));
        packages = Collections.unmodifiableList(sorted);
    }

    /** The commit's packages; empty when it does not say (a commit not made by apt-ostree). */
    public static CommitPackages of(Commit commit) {
        Optional<Variant> v = commit.metadata().get(KEY);
        List<Entry> out = new ArrayList<>();
        if (v.isPresent() && v.get().value() instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof List<?> t && t.size() == 3) {
                    out.add(new Entry(String.valueOf(t.get(0)), String.valueOf(t.get(1)), String.valueOf(t.get(2))));
                }
            }
        }
        return new CommitPackages(out);
    }

    /** The metadata value. */
    public Variant toVariant() {
        List<Object> list = new ArrayList<>();
        for (Entry e : packages) {
            list.add(List.of(e.name(), e.version(), e.architecture()));
        }
        return Variant.of("a(sss)", list);
    }

    /** By {@code name:arch}. */
    public Map<String, Entry> byNameArch() {
        Map<String, Entry> m = new TreeMap<>();
        packages.forEach(e -> m.put(e.nameArch(), e));
        return m;
    }

    /** Whether a package of that name is there (any architecture). */
    public boolean hasName(String name) {
        return packages.stream().anyMatch(e -> e.name().equals(name));
    }

    public Optional<Entry> find(String name) {
        return packages.stream().filter(e -> e.name().equals(name)).findFirst();
    }
}
