package org.aptostree.daemon.compose;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.aptostree.daemon.compose.PackageSources.AvailablePackage;
import org.aptostree.deb.control.Dependency;
import org.aptostree.deb.control.Relation;
import org.aptostree.deb.index.PackageRecord;
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

    static List<LockedPackage> resolve(Treefile treefile, List<AvailablePackage> available) throws UnsatisfiableRequestException {
        Set<String> excluded = new HashSet<>(treefile.excludePackages());
        String arch = treefile.architecture();
        Map<String, AvailablePackage> byKey = new LinkedHashMap<>();
        for (AvailablePackage a : available) {
            PackageRecord r = a.record();
            if (excluded.contains(r.name()) || !(r.architecture().equals(arch) || r.architecture().equals("all"))) {
                continue;
            }
            // The first source listing a version wins, as apt takes the first of identical versions.
            byKey.putIfAbsent(key(r.name(), r.version().toString(), r.architecture()), a);
        }
        List<Request.Target> base = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (AvailablePackage a : byKey.values()) {
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
            List<PackageVersion> first = base.isEmpty() ? List.of() : solve(arch, byKey, List.of(), base, false);
            installed = solve(arch, byKey, first, extra, true);
        } else {
            List<Request.Target> all = new ArrayList<>(base);
            all.addAll(extra);
            installed = solve(arch, byKey, List.of(), all, false);
        }
        List<PackageRecord> chosen = new ArrayList<>();
        for (PackageVersion v : installed) {
            chosen.add(byKey.get(key(v.name(), v.version().toString(), v.architecture())).record());
        }
        Set<String> manual = new HashSet<>();
        base.forEach(t -> manual.add(t.name()));
        extra.forEach(t -> manual.add(t.name()));
        manual.addAll(essentialClosure(chosen));
        List<LockedPackage> out = new ArrayList<>();
        for (PackageVersion v : installed) {
            AvailablePackage a = byKey.get(key(v.name(), v.version().toString(), v.architecture()));
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

    private static List<PackageVersion> solve(String arch, Map<String, AvailablePackage> available, List<PackageVersion> installed,
            List<Request.Target> targets, boolean recommends) throws UnsatisfiableRequestException {
        if (targets.isEmpty() && installed.isEmpty()) {
            throw new UnsatisfiableRequestException(List.of("nothing to install: the variant is 'none' and 'packages' is empty"));
        }
        Universe.Builder universe = Universe.builder(arch);
        Map<String, PackageVersion> versions = new HashMap<>();
        for (AvailablePackage a : reachable(available, installed, targets, recommends)) {
            PackageVersion v = PackageVersion.from(a.record());
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
     * The packages a fresh install of {@code targets} (on top of {@code installed}) can possibly contain: what
     * their Pre-Depends, Depends (and Recommends, when wanted) lead to, through every alternative and every
     * provider, plus the Essential packages. Nothing else can be part of a plan, so the solver is given only
     * these (a few hundred instead of a whole archive's tens of thousands).
     */
    private static List<AvailablePackage> reachable(Map<String, AvailablePackage> available, List<PackageVersion> installed,
            List<Request.Target> targets, boolean recommends) {
        Map<String, List<AvailablePackage>> byName = new HashMap<>();
        Map<String, List<String>> providers = new HashMap<>();
        ArrayDeque<String> pending = new ArrayDeque<>();
        for (AvailablePackage a : available.values()) {
            PackageRecord r = a.record();
            byName.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(a);
            for (Dependency d : r.provides()) {
                providers.computeIfAbsent(d.first().name(), k -> new ArrayList<>()).add(r.name());
            }
            if (r.essential()) {
                pending.add(r.name());
            }
        }
        targets.forEach(t -> pending.add(t.name()));
        installed.forEach(v -> pending.add(v.name()));
        Set<String> seen = new HashSet<>();
        List<AvailablePackage> out = new ArrayList<>();
        while (!pending.isEmpty()) {
            String name = pending.pop();
            if (!seen.add(name)) {
                continue;
            }
            providers.getOrDefault(name, List.of()).forEach(pending::add);
            for (AvailablePackage a : byName.getOrDefault(name, List.of())) {
                out.add(a);
                PackageRecord r = a.record();
                List<Dependency> edges = new ArrayList<>(r.preDepends());
                edges.addAll(r.depends());
                if (recommends) {
                    edges.addAll(r.recommends());
                }
                for (Dependency d : edges) {
                    for (Relation rel : d.alternatives()) {
                        pending.add(rel.name());
                    }
                }
            }
        }
        // The universe's order is the index order, whatever order the walk found them in.
        Map<AvailablePackage, Integer> position = new IdentityHashMap<>();
        int i = 0;
        for (AvailablePackage a : available.values()) {
            position.put(a, i++);
        }
        out.sort(Comparator.comparingInt(position::get));
        return out;
    }

    private static String key(String name, String version, String arch) {
        return name + " " + version + " " + arch;
    }
}
