package org.aptostree.daemon.compose;

import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
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
import org.aptostree.solver.Plan;
import org.aptostree.solver.Request;
import org.aptostree.solver.Solver;
import org.aptostree.solver.Universe;
import org.aptostree.solver.UnsatisfiableRequestException;

/**
 * Turns a treefile's package request into the exact package set with the solver. The variant's set is
 * resolved first without Recommends (as mmdebstrap does); the treefile's packages are then resolved on
 * top of it, with Recommends when the treefile asks. {@code exclude-packages} are taken out of the
 * available packages altogether (rpm-ostree's meaning), so nothing can pull them in.
 */
final class PackageSelection {
    private PackageSelection() {
    }

    /**
     * The package set of {@code treefile} from {@code available}.
     *
     * @throws ComposeException when a relation field the resolution needs is malformed in its index
     */
    static List<LockedPackage> resolve(Treefile treefile, List<AvailablePackage> available)
            throws UnsatisfiableRequestException, ComposeException {
        Set<String> excluded = new HashSet<>(treefile.excludePackages());
        String arch = treefile.architecture();
        Candidates candidates = new Candidates(available, excluded, arch);
        List<Request.Target> base = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (AvailablePackage a : candidates.packages) {
            if (treefile.variant().selects(a.record()) && seen.add(a.record().name())) {
                base.add(new Request.Target(a.record().name(), null, null));
            }
        }
        base.sort(Comparator.comparing(Request.Target::name));
        List<Request.Target> extra = new ArrayList<>();
        for (String p : treefile.packages()) {
            Request.Target t = Request.Target.parse(p);
            if (excluded.contains(t.name())) {
                throw new UnsatisfiableRequestException(List.of("package " + t.name() + " is both in packages and in exclude-packages"));
            }
            extra.add(t);
        }
        List<PackageVersion> installed;
        if (treefile.recommends() && !extra.isEmpty()) {
            List<PackageVersion> first = base.isEmpty() ? List.of() : solve(arch, candidates, List.of(), base, false);
            installed = solve(arch, candidates, first, extra, true);
        } else {
            List<Request.Target> all = new ArrayList<>(base);
            all.addAll(extra);
            installed = solve(arch, candidates, List.of(), all, false);
        }
        List<PackageRecord> chosen = new ArrayList<>();
        for (PackageVersion v : installed) {
            chosen.add(candidates.find(v).record());
        }
        Set<String> manual = new HashSet<>();
        base.forEach(t -> manual.add(t.name()));
        extra.forEach(t -> manual.add(t.name()));
        manual.addAll(essentialClosure(chosen));
        List<LockedPackage> out = new ArrayList<>();
        for (PackageVersion v : installed) {
            AvailablePackage a = candidates.find(v);
            PackageRecord r = a.record();
            if (r.sha256() == null || r.filename() == null) {
                throw new UnsatisfiableRequestException(List.of(v.nameArch() + " " + v.version()
                        + ": the index gives no Filename or SHA256 for it, so it cannot be fetched safely"));
            }
            out.add(new LockedPackage(r.name(), r.version().toString(), r.architecture(), a.uri(), r.size(), r.sha256(),
                    !manual.contains(r.name())));
        }
        return out;
    }

    /**
     * The Essential packages and what they (pre-)depend on within the chosen set: what mmdebstrap installs with
     * dpkg before apt runs, so apt never marks it automatically installed.
     */
    private static Set<String> essentialClosure(List<PackageRecord> chosen) {
        Map<String, PackageRecord> byName = new HashMap<>();
        Map<String, String> providers = new HashMap<>();
        for (PackageRecord r : chosen) {
            byName.put(r.name(), r);
            r.provides().forEach(d -> providers.putIfAbsent(d.first().name(), r.name()));
        }
        Set<String> closure = new HashSet<>();
        ArrayDeque<String> pending = new ArrayDeque<>();
        chosen.stream().filter(PackageRecord::essential).forEach(r -> pending.add(r.name()));
        while (!pending.isEmpty()) {
            String name = pending.pop();
            if (!closure.add(name)) {
                continue;
            }
            PackageRecord r = byName.get(name);
            List<Dependency> deps = new ArrayList<>(r.preDepends());
            deps.addAll(r.depends());
            for (Dependency d : deps) {
                for (Relation rel : d.alternatives()) {
                    String target = byName.containsKey(rel.name()) ? rel.name() : providers.get(rel.name());
                    if (target != null) {
                        pending.add(target);
                        break;
                    }
                }
            }
        }
        return closure;
    }

    private static List<PackageVersion> solve(String arch, Candidates candidates, List<PackageVersion> installed,
            List<Request.Target> targets, boolean recommends) throws UnsatisfiableRequestException, ComposeException {
        if (targets.isEmpty() && installed.isEmpty()) {
            throw new UnsatisfiableRequestException(List.of("nothing to install: the variant is 'none' and 'packages' is empty"));
        }
        Universe.Builder universe = Universe.builder(arch);
        Map<String, PackageVersion> versions = new HashMap<>();
        for (AvailablePackage a : candidates.reachable(installed, targets, recommends)) {
            PackageVersion v = fromIndex(a, () -> PackageVersion.from(a.record()));
            versions.put(key(v.name(), v.version().toString(), v.architecture()), v);
            universe.addAvailable(v, Universe.DEFAULT_PRIORITY);
        }
        for (PackageVersion v : installed) {
            universe.addInstalled(versions.get(key(v.name(), v.version().toString(), v.architecture())));
        }
        Plan plan = new Solver(universe.build()).solve(Request.install(targets, recommends));
        return plan.installedAfter();
    }

    /**
     * The packages a resolution chooses from, in index order, found by name and by the names they provide; made once
     * per resolution. Each name, version and architecture is there once: the first source listing it wins, as apt
     * takes the first of identical versions.
     */
    private static final class Candidates {
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
    }

    /**
     * What {@code read} reads of a package's relations. An index's records parse their relation fields when asked
     * for, so a malformed one shows here: it is named with the package and its line in the index of its mirror.
     */
    private static <T> T fromIndex(AvailablePackage a, Supplier<T> read) throws ComposeException {
        try {
            return read.get();
        } catch (UncheckedIOException e) {
            throw new ComposeException("Packages index of " + a.mirror() + ": " + e.getMessage());
        }
    }

    private static String key(String name, String version, String arch) {
        return name + " " + version + " " + arch;
    }
}
