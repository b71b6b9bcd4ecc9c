package org.aptostree.solver;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.aptostree.deb.control.Dependency;
import org.aptostree.deb.control.Relation;
import org.aptostree.deb.index.MultiArch;

/**
 * Checks an installed set against Debian's rules without any of the solver's code: a direct reading of
 * deb-control(5) — every Pre-Depends/Depends group has a member in the set, no Conflicts or Breaks
 * entry matches another member, one version per name and architecture, Multi-Arch co-installability.
 */
final class PlanChecker {
    private PlanChecker() {
    }

    static List<String> check(List<PackageVersion> set, String nativeArch) {
        List<String> problems = new ArrayList<>();
        Map<String, List<PackageVersion>> byName = new HashMap<>();
        Map<String, List<PackageVersion>> byProvided = new HashMap<>();
        for (PackageVersion p : set) {
            byName.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(p);
            for (Relation r : p.provides()) {
                byProvided.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(p);
            }
        }
        for (List<PackageVersion> same : byName.values()) {
            for (int i = 0; i < same.size(); i++) {
                for (int j = i + 1; j < same.size(); j++) {
                    PackageVersion a = same.get(i);
                    PackageVersion b = same.get(j);
                    if (a.architecture().equals(b.architecture())) {
                        problems.add("two versions of " + a.nameArch() + ": " + a.version() + ", " + b.version());
                    } else if (a.multiArch() != MultiArch.SAME || b.multiArch() != MultiArch.SAME) {
                        problems.add(a + " and " + b + " are not co-installable");
                    }
                }
            }
        }
        for (PackageVersion p : set) {
            List<Dependency> needs = new ArrayList<>(p.preDepends());
            needs.addAll(p.depends());
            for (Dependency group : needs) {
                boolean ok = false;
                for (Relation r : group.alternatives()) {
                    ok |= !matching(p, r, false, byName, byProvided, nativeArch).isEmpty();
                }
                if (!ok) {
                    problems.add(p + ": unmet dependency " + group);
                }
            }
            List<Dependency> against = new ArrayList<>(p.conflicts());
            against.addAll(p.breaks());
            for (Dependency d : against) {
                for (Relation r : d.alternatives()) {
                    for (PackageVersion q : matching(p, r, true, byName, byProvided, nativeArch)) {
                        if (!q.name().equals(p.name())) {
                            problems.add(p + " conflicts with or breaks " + r + ": " + q);
                        }
                    }
                }
            }
        }
        return problems;
    }

    private static List<PackageVersion> matching(PackageVersion from, Relation r, boolean conflict,
            Map<String, List<PackageVersion>> byName, Map<String, List<PackageVersion>> byProvided, String nativeArch) {
        List<PackageVersion> result = new ArrayList<>();
        for (PackageVersion q : byName.getOrDefault(r.name(), List.of())) {
            if (r.allows(q.version()) && archOk(from, r, q, conflict, nativeArch)) {
                result.add(q);
            }
        }
        for (PackageVersion q : byProvided.getOrDefault(r.name(), List.of())) {
            for (Relation provide : q.provides()) {
                boolean versionOk = r.isVersioned() ? provide.isVersioned() && r.allows(provide.version()) : true;
                if (provide.name().equals(r.name()) && versionOk && archOk(from, r, q, conflict, nativeArch)) {
                    result.add(q);
                }
            }
        }
        return result;
    }

    private static boolean archOk(PackageVersion from, Relation r, PackageVersion q, boolean conflict, String nativeArch) {
        String fromArch = from.architecture().equals("all") ? nativeArch : from.architecture();
        String qArch = q.architecture().equals("all") ? nativeArch : q.architecture();
        if (r.architecture() == null) {
            return conflict || fromArch.equals(qArch) || q.multiArch() == MultiArch.FOREIGN;
        }
        return switch (r.architecture()) {
            case "any" -> q.multiArch() == MultiArch.ALLOWED || q.multiArch() == MultiArch.FOREIGN || fromArch.equals(qArch);
            case "native" -> qArch.equals(nativeArch);
            default -> qArch.equals(r.architecture());
        };
    }
}
