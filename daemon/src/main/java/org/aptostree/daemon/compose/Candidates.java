package org.aptostree.daemon.compose;

import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.aptostree.daemon.compose.PackageSources.AvailablePackage;
import org.aptostree.deb.control.Dependency;
import org.aptostree.deb.control.Relation;
import org.aptostree.deb.index.PackageRecord;
import org.aptostree.deb.version.Version;
import org.aptostree.solver.PackageVersion;
import org.aptostree.solver.Request;

/**
 * The packages a resolution chooses from, in index order, found by name and by the names they provide; made once
 * per resolution. Each name, version and architecture is there once: the first source listing it wins, as apt
 * takes the first of identical versions.
 */
final class Candidates {
    private final List<AvailablePackage> packages = new ArrayList<>();
    /** Positions in {@link #packages} by package name. */
    private final Map<String, List<Integer>> byName;
    /** Names of the packages that provide a name. */
    private final Map<String, List<String>> providers = new HashMap<>();
    private final List<String> essential = new ArrayList<>();

    /** The packages of {@code available} for {@code arch} (or {@code all}) not named in {@code excluded}. */
    Candidates(List<AvailablePackage> available, Set<String> excluded, String arch) throws ComposeException {
        byName = new HashMap<>(available.size() * 4 / 3 + 1);
        for (AvailablePackage a : available) {
            PackageRecord r = a.record();
            if (excluded.contains(r.name()) || !(r.architecture().equals(arch) || r.architecture().equals("all"))) {
                continue;
            }
            List<Integer> sameName = byName.computeIfAbsent(r.name(), k -> new ArrayList<>(1));
            if (indexOf(sameName, r.version(), r.architecture()) >= 0) {
                continue;
            }
            sameName.add(packages.size());
            packages.add(a);
            for (Dependency d : fromIndex(a, r::provides)) {
                providers.computeIfAbsent(d.first().name(), k -> new ArrayList<>()).add(r.name());
            }
            if (r.essential()) {
                essential.add(r.name());
            }
        }
    }

    /** Every candidate, in index order. */
    List<AvailablePackage> all() {
        return packages;
    }

    /** The candidates of a name, in index order. */
    List<AvailablePackage> named(String name) {
        List<AvailablePackage> out = new ArrayList<>();
        byName.getOrDefault(name, List.of()).forEach(i -> out.add(packages.get(i)));
        return out;
    }

    /** Whether some candidate has the name or provides it. */
    boolean knows(String name) {
        return byName.containsKey(name) || providers.containsKey(name);
    }

    /** The candidate the solver's {@code v} was made from. */
    AvailablePackage find(PackageVersion v) {
        List<Integer> sameName = byName.getOrDefault(v.name(), List.of());
        int i = indexOf(sameName, v.version(), v.architecture());
        if (i < 0) {
            throw new IllegalStateException("the solver chose " + v + ", which is not a candidate");
        }
        return packages.get(sameName.get(i));
    }

    private int indexOf(List<Integer> positions, Version version, String architecture) {
        for (int i = 0; i < positions.size(); i++) {
            PackageRecord r = packages.get(positions.get(i)).record();
            if (r.version().equals(version) && r.architecture().equals(architecture)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The packages a fresh install of {@code targets} (on top of {@code installed}) can possibly contain, in
     * index order: what their Pre-Depends, Depends (and Recommends, when wanted) lead to, through every
     * alternative and every provider, plus the Essential packages. Nothing else can be part of a plan, so the
     * solver is given only these (a few hundred instead of a whole archive's tens of thousands).
     */
    List<AvailablePackage> reachable(List<PackageVersion> installed, List<Request.Target> targets, boolean recommends)
            throws ComposeException {
        ArrayDeque<String> pending = new ArrayDeque<>(essential);
        targets.forEach(t -> pending.add(t.name()));
        installed.forEach(v -> pending.add(v.name()));
        Set<String> seen = new HashSet<>();
        List<Integer> positions = new ArrayList<>();
        while (!pending.isEmpty()) {
            String name = pending.pop();
            if (!seen.add(name)) {
                continue;
            }
            pending.addAll(providers.getOrDefault(name, List.of()));
            for (int i : byName.getOrDefault(name, List.of())) {
                positions.add(i);
                AvailablePackage a = packages.get(i);
                PackageRecord r = a.record();
                List<Dependency> edges = fromIndex(a, () -> {
                    List<Dependency> all = new ArrayList<>(r.preDepends());
                    all.addAll(r.depends());
                    if (recommends) {
                        all.addAll(r.recommends());
                    }
                    return all;
                });
                for (Dependency d : edges) {
                    for (Relation rel : d.alternatives()) {
                        pending.add(rel.name());
                    }
                }
            }
        }
        // The universe's order is the index order, whatever order the walk found them in.
        positions.sort(null);
        List<AvailablePackage> out = new ArrayList<>(positions.size());
        positions.forEach(i -> out.add(packages.get(i)));
        return out;
    }

    /**
     * What {@code read} reads of a package's relations. An index's records parse their relation fields when asked
     * for, so a malformed one shows here: it is named with the package and its line in the index of its mirror.
     */
    static <T> T fromIndex(AvailablePackage a, Supplier<T> read) throws ComposeException {
        try {
            return read.get();
        } catch (UncheckedIOException e) {
            throw new ComposeException("Packages index of " + a.mirror() + ": " + e.getMessage());
        }
    }
}
