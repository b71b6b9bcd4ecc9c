package org.aptostree.daemon.compose;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.aptostree.daemon.compose.PackageSources.AvailablePackage;
import org.aptostree.deb.dpkg.InstalledState.InstalledPackage;
import org.aptostree.deb.index.PackageRecord;
import org.aptostree.solver.PackageVersion;
import org.aptostree.solver.Plan;
import org.aptostree.solver.Request;
import org.aptostree.solver.Solver;
import org.aptostree.solver.Universe;
import org.aptostree.solver.UnsatisfiableRequestException;

/**
 * The resolve stage of layering: what to add to a base so that it has the requested packages, with the base's own
 * packages held at their versions (a layer adds to its base; it never upgrades, downgrades or removes what the base
 * has, unless asked to remove or replace it). Local .debs are candidates of their own, preferred over any index.
 */
final class LayerResolution {
    /** A local .deb: its file and what its control file says. */
    record LocalDeb(Path file, String sha256, PackageRecord record) {
        String nevra() {
            return record.name() + "_" + record.version() + "_" + record.architecture();
        }
    }

    /**
     * The plan: packages to fetch from the indexes and local ones, in the order they were resolved, base packages
     * to take out, and the whole package set afterwards.
     */
    record Result(List<LockedPackage> fetch, List<LocalDeb> local, List<InstalledPackage> remove, List<PackageVersion> after) {
    }

    private LayerResolution() {
    }

    /**
     * Resolves {@code install} (requests not already in the base), {@code local} and {@code replace} (.debs) and
     * {@code remove} (base package names) on top of {@code base}, choosing from {@code available}.
     *
     * @throws LayeringException NOT_FOUND naming every request nothing provides; CONFLICT with the solver's explanation
     */
    static Result resolve(String arch, List<AvailablePackage> available, List<InstalledPackage> base, List<Request.Target> install,
            List<LocalDeb> local, List<LocalDeb> replace, Set<String> remove) throws LayeringException, ComposeException {
        Candidates candidates = new Candidates(available, Set.of(), arch);
        Map<String, InstalledPackage> baseByName = new HashMap<>();
        base.forEach(p -> baseByName.putIfAbsent(p.record().name(), p));
        Set<String> localNames = new HashSet<>();
        local.forEach(l -> localNames.add(l.record().name()));
        replace.forEach(l -> localNames.add(l.record().name()));
        List<String> missing = new ArrayList<>();
        for (Request.Target t : install) {
            if (!candidates.knows(t.name()) && !localNames.contains(t.name())) {
                missing.add(t.name());
            }
        }
        for (String name : remove) {
            if (!baseByName.containsKey(name)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new LayeringException(LayeringException.Reason.NOT_FOUND, "Packages not found: " + String.join(", ", missing));
        }

        Universe.Builder universe = Universe.builder(arch);
        List<PackageVersion> installed = new ArrayList<>();
        for (InstalledPackage p : base) {
            installed.add(PackageVersion.from(p.record()));
        }
        Map<String, AvailablePackage> byKey = new HashMap<>();
        for (AvailablePackage a : candidates.reachable(installed, install, true)) {
            PackageVersion v = Candidates.fromIndex(a, () -> PackageVersion.from(a.record()));
            byKey.putIfAbsent(key(v), a);
            universe.addAvailable(v, Universe.DEFAULT_PRIORITY);
        }
        Map<String, LocalDeb> localByKey = new HashMap<>();
        List<Request.Target> targets = new ArrayList<>(install);
        for (LocalDeb l : concat(local, replace)) {
            PackageVersion v = PackageVersion.from(l.record());
            localByKey.put(key(v), l);
            universe.addAvailable(v, 1001);
            targets.add(new Request.Target(v.name(), v.architecture(), v.version().toString()));
        }
        Set<String> replaced = new HashSet<>();
        replace.forEach(l -> replaced.add(l.record().name()));
        for (InstalledPackage p : base) {
            universe.addInstalled(PackageVersion.from(p.record()));
            if (!remove.contains(p.record().name()) && !replaced.contains(p.record().name())) {
                universe.hold(p.nameArch());
            }
        }
        List<Request.Target> removals = new ArrayList<>();
        remove.forEach(n -> removals.add(new Request.Target(n, null, null)));
        Plan plan;
        try {
            plan = new Solver(universe.build()).solve(new Request(targets, removals, List.of(), false, true, true));
        } catch (UnsatisfiableRequestException e) {
            throw new LayeringException(LayeringException.Reason.CONFLICT, "conflicting requests: " + String.join("; ", e.reasons()));
        }

        List<LockedPackage> fetch = new ArrayList<>();
        List<LocalDeb> locals = new ArrayList<>();
        List<InstalledPackage> removed = new ArrayList<>();
        Set<String> conflicts = new TreeSet<>();
        for (Plan.Change c : plan.changes()) {
            PackageVersion v = c.target();
            boolean fromBase = baseByName.containsKey(v.name());
            switch (c.action()) {
                case INSTALL, UPGRADE, DOWNGRADE -> {
                    if (c.action() != Plan.Action.INSTALL && !replaced.contains(v.name())) {
                        conflicts.add(v.name() + " " + c.previous().version() + " of the base would have to be "
                                + (c.action() == Plan.Action.UPGRADE ? "upgraded" : "downgraded") + " to " + v.version());
                        continue;
                    }
                    LocalDeb l = localByKey.get(key(v));
                    if (l != null) {
                        locals.add(l);
                        continue;
                    }
                    AvailablePackage a = byKey.get(key(v));
                    PackageRecord r = a.record();
                    if (r.sha256() == null || r.filename() == null) {
                        throw new LayeringException(LayeringException.Reason.CONFLICT, v.nameArch() + " " + v.version()
                                + ": the index gives no Filename or SHA256 for it, so it cannot be fetched safely");
                    }
                    fetch.add(new LockedPackage(r.name(), r.version().toString(), r.architecture(), a.uri(), r.size(), r.sha256(),
                            !c.reason().equals("requested")));
                }
                case REMOVE -> {
                    if (!remove.contains(v.name()) && !replaced.contains(v.name())) {
                        conflicts.add(v.name() + " " + v.version() + (fromBase ? " of the base" : "") + " would have to be removed");
                        continue;
                    }
                    if (remove.contains(v.name())) {
                        removed.add(baseByName.get(v.name()));
                    }
                }
                default -> throw new IllegalStateException(c.action().toString());
            }
        }
        if (!conflicts.isEmpty()) {
            throw new LayeringException(LayeringException.Reason.CONFLICT, "conflicting requests: " + String.join("; ", conflicts));
        }
        return new Result(fetch, locals, removed, plan.installedAfter());
    }

    private static List<LocalDeb> concat(List<LocalDeb> a, List<LocalDeb> b) {
        List<LocalDeb> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static String key(PackageVersion v) {
        return v.name() + " " + v.version() + " " + v.architecture();
    }
}
