package org.aptostree.daemon.compose;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
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
        for (AvailablePackage a : candidates.all()) {
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
            PackageVersion v = Candidates.fromIndex(a, () -> PackageVersion.from(a.record()));
            versions.put(key(v.name(), v.version().toString(), v.architecture()), v);
            universe.addAvailable(v, Universe.DEFAULT_PRIORITY);
        }
        for (PackageVersion v : installed) {
            universe.addInstalled(versions.get(key(v.name(), v.version().toString(), v.architecture())));
        }
        Plan plan = new Solver(universe.build()).solve(Request.install(targets, recommends));
        return plan.installedAfter();
    }

    private static String key(String name, String version, String arch) {
        return name + " " + version + " " + arch;
    }
}
