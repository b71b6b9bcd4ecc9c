package org.aptostree.solver;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.control.Dependency;
import org.aptostree.deb.control.Relation;
import org.aptostree.deb.index.MultiArch;
import org.aptostree.deb.version.Version;

/**
 * Debian semantics as clauses over one boolean per package version ("installed afterwards"). Only the
 * packages reachable from the request and the installed set through Pre-Depends, Depends (and
 * Recommends when wanted) get a variable; every other package stays uninstalled, so no clause about it
 * is needed. That keeps a request against a whole archive down to the few thousand packages it touches.
 */
final class Encoding {
    final Universe universe;
    final Request request;
    /** Package number → variable (0 when the package is not relevant). */
    final int[] variableOf;
    /** Variable → package number (index 0 unused). */
    final int[] packageOf;
    final List<Rule> rules = new ArrayList<>();
    /** Variables of the packages the user named (install or upgrade), in request order. */
    final List<Integer> requestedVariables = new ArrayList<>();
    /** Per requested install target: the allowed package numbers. */
    private final Map<Request.Target, int[]> installTargets = new java.util.LinkedHashMap<>();
    private final Map<Request.Target, int[]> removeTargets = new java.util.LinkedHashMap<>();
    private final Map<Request.Target, int[]> upgradeTargets = new java.util.LinkedHashMap<>();

    private Encoding(Universe universe, Request request, boolean allPackages) {
        this.universe = universe;
        this.request = request;
        this.variableOf = new int[universe.size()];
        resolveTargets();
        List<Integer> relevant = relevantPackages(allPackages);
        this.packageOf = new int[relevant.size() + 1];
        for (int i = 0; i < relevant.size(); i++) {
            packageOf[i + 1] = relevant.get(i);
            variableOf[relevant.get(i)] = i + 1;
        }
        buildRules();
    }

    static Encoding of(Universe universe, Request request) {
        return new Encoding(universe, request, false);
    }

    /** Every package of the universe, with no request: what an installability sweep needs. */
    static Encoding everything(Universe universe) {
        return new Encoding(universe, new Request(List.of(), List.of(), List.of(), false, false, false), true);
    }

    int variableCount() {
        return packageOf.length - 1;
    }

    boolean isRelevant(int id) {
        return variableOf[id] != 0;
    }

    /** Dependency groups that make a package installable: Pre-Depends then Depends. */
    static List<Dependency> hardDependencies(PackageVersion p) {
        if (p.preDepends().isEmpty()) {
            return p.depends();
        }
        List<Dependency> all = new ArrayList<>(p.preDepends());
        all.addAll(p.depends());
        return all;
    }

    /**
     * The union of the satisfiers of a group's alternatives, first alternative first. For Depends-like
     * fields the answer only depends on the depending package's architecture, so it is remembered per
     * architecture: the same groups (libc6 (>= 2.34) …) recur thousands of times, and each encoding step
     * asks again. Package tables and parsed indexes share one object per distinct group, so the memo goes by
     * identity: hashing a group's relations (generated record methods) would cost more than it saves.
     */
    int[] groupSatisfiers(int from, Dependency group) {
        String arch = universe.effectiveArchitecture(universe.get(from));
        Map<Dependency, int[]> memo = satisfierMemo.computeIfAbsent(arch, a -> new IdentityHashMap<>());
        int[] known = memo.get(group);
        if (known == null) {
            known = computeGroupSatisfiers(from, group);
            memo.put(group, known);
        }
        return known;
    }

    private final Map<String, Map<Dependency, int[]>> satisfierMemo = new HashMap<>();

    private int[] computeGroupSatisfiers(int from, Dependency group) {
        if (group.alternatives().size() == 1) {
            return universe.satisfiers(from, group.first(), false);
        }
        LinkedHashSet<Integer> ids = new LinkedHashSet<>();
        for (Relation r : group.alternatives()) {
            for (int id : universe.satisfiers(from, r, false)) {
                ids.add(id);
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private void resolveTargets() {
        for (Request.Target t : request.install()) {
            installTargets.put(t, installCandidates(t));
        }
        for (Request.Target t : request.upgrade()) {
            upgradeTargets.put(t, installCandidates(t));
        }
        for (Request.Target t : request.remove()) {
            List<Integer> ids = new ArrayList<>();
            for (int id : universe.idsByName(t.name())) {
                PackageVersion p = universe.get(id);
                if ((t.architecture() == null || t.architecture().equals(p.architecture()))
                        && (t.version() == null || sameVersion(p, t.version()))) {
                    ids.add(id);
                }
            }
            removeTargets.put(t, ids.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    /**
     * The versions an install target allows: the given version, else the candidate (strict pinning, as apt
     * does by default); for a virtual name, the candidates of its providers.
     */
    private int[] installCandidates(Request.Target t) {
        String arch = t.architecture() == null ? universe.nativeArchitecture() : t.architecture();
        List<Integer> result = new ArrayList<>();
        for (String nameArch : List.of(t.name() + ":" + arch, t.name() + ":all")) {
            if (t.version() != null) {
                for (int id : universe.idsByName(t.name())) {
                    PackageVersion p = universe.get(id);
                    if (p.nameArch().equals(nameArch) && sameVersion(p, t.version())) {
                        result.add(id);
                    }
                }
            } else {
                int c = universe.candidateId(t.name(), nameArch.endsWith(":all") ? "all" : arch);
                if (c >= 0) {
                    result.add(c);
                }
            }
            if (!result.isEmpty()) {
                return result.stream().mapToInt(Integer::intValue).toArray();
            }
        }
        if (t.version() == null && universe.idsByName(t.name()).length == 0) {
            for (int id : universe.idsProviding(t.name())) {
                PackageVersion p = universe.get(id);
                if (universe.isCandidate(id) && (universe.effectiveArchitecture(p).equals(arch)
                        || p.multiArch() == MultiArch.FOREIGN)) {
                    result.add(id);
                }
            }
        }
        return result.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Versions named on the command line compare as dpkg compares them ({@code 1.0} names {@code 1.0-0} too). */
    private static boolean sameVersion(PackageVersion p, String text) {
        try {
            return p.version().compareTo(Version.parse(text)) == 0;
        } catch (DebFormatException e) {
            return false;
        }
    }

    private List<Integer> relevantPackages(boolean allPackages) {
        boolean[] seen = new boolean[universe.size()];
        List<Integer> order = new ArrayList<>();
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        List<int[]> seeds = new ArrayList<>();
        seeds.addAll(installTargets.values());
        seeds.addAll(upgradeTargets.values());
        seeds.addAll(removeTargets.values());
        for (int[] ids : seeds) {
            for (int id : ids) {
                visit(id, seen, order, queue);
            }
        }
        for (int id = 0; id < universe.size(); id++) {
            if (universe.isInstalled(id) || allPackages) {
                visit(id, seen, order, queue);
            }
        }
        while (!queue.isEmpty()) {
            int id = queue.poll();
            PackageVersion p = universe.get(id);
            // Other versions of the same name:arch, so that upgrades and downgrades are possible.
            for (int other : universe.idsByName(p.name())) {
                if (universe.get(other).architecture().equals(p.architecture())) {
                    visit(other, seen, order, queue);
                }
            }
            for (Dependency group : hardDependencies(p)) {
                for (int s : groupSatisfiers(id, group)) {
                    visit(s, seen, order, queue);
                }
            }
            if (request.recommends()) {
                for (Dependency group : p.recommends()) {
                    for (int s : groupSatisfiers(id, group)) {
                        visit(s, seen, order, queue);
                    }
                }
            }
        }
        return order;
    }

    private static void visit(int id, boolean[] seen, List<Integer> order, ArrayDeque<Integer> queue) {
        if (!seen[id]) {
            seen[id] = true;
            order.add(id);
            queue.add(id);
        }
    }

    private int[] literals(int[] ids, boolean positive) {
        int[] lits = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            lits[i] = positive ? variableOf[ids[i]] : -variableOf[ids[i]];
        }
        return lits;
    }

    private void buildRules() {
        for (Map.Entry<Request.Target, int[]> e : installTargets.entrySet()) {
            rules.add(new Rule(Rule.Kind.REQUEST_INSTALL, literals(e.getValue(), true), -1, null,
                    e.getKey(), e.getValue()));
            for (int id : e.getValue()) {
                requestedVariables.add(variableOf[id]);
            }
        }
        for (Map.Entry<Request.Target, int[]> e : upgradeTargets.entrySet()) {
            rules.add(new Rule(Rule.Kind.REQUEST_INSTALL, literals(e.getValue(), true), -1, null,
                    e.getKey(), e.getValue()));
            for (int id : e.getValue()) {
                requestedVariables.add(variableOf[id]);
            }
        }
        for (Map.Entry<Request.Target, int[]> e : removeTargets.entrySet()) {
            for (int id : e.getValue()) {
                rules.add(new Rule(Rule.Kind.REQUEST_REMOVE, new int[] {-variableOf[id]}, -1, null,
                        e.getKey(), new int[] {id}));
            }
        }
        // Installed packages stay installed (some version) unless the request names them: without apt's
        // extended_states every installed package counts as manually installed.
        Map<String, List<Integer>> byNameArch = new HashMap<>();
        for (int v = 1; v < packageOf.length; v++) {
            byNameArch.computeIfAbsent(universe.get(packageOf[v]).nameArch(), k -> new ArrayList<>()).add(packageOf[v]);
        }
        for (int v = 1; v < packageOf.length; v++) {
            int id = packageOf[v];
            if (!universe.isInstalled(id)) {
                continue;
            }
            PackageVersion p = universe.get(id);
            int[] versions = byNameArch.get(p.nameArch()).stream().mapToInt(Integer::intValue).toArray();
            if (universe.isHeld(id)) {
                rules.add(new Rule(Rule.Kind.HELD, new int[] {v}, id, null, null, new int[] {id}));
            } else if (p.essential() || p.protectedPackage()) {
                rules.add(new Rule(Rule.Kind.ESSENTIAL, literals(versions, true), id, null, null, versions));
            } else if (!isRemovalTarget(p) && !universe.isAutomatic(id)) {
                // Automatically installed packages are only kept softly (Solver's first preference).
                rules.add(new Rule(Rule.Kind.KEEP_INSTALLED, literals(versions, true), id, null, null, versions));
            }
        }
        {
            // Strict pinning forbids every version but the candidates; a negative pin forbids its version always.
            Set<Integer> named = new HashSet<>();
            for (int[] ids : installTargets.values()) {
                for (int id : ids) {
                    named.add(id);
                }
            }
            for (int[] ids : upgradeTargets.values()) {
                for (int id : ids) {
                    named.add(id);
                }
            }
            for (int v = 1; v < packageOf.length; v++) {
                int id = packageOf[v];
                if ((request.strictPinning() || universe.priority(id) < 0)
                        && !universe.isCandidate(id) && !universe.isInstalled(id) && !named.contains(id)) {
                    int c = universe.candidateOf(id);
                    rules.add(new Rule(Rule.Kind.NOT_CANDIDATE, new int[] {-v}, id, null, null,
                            c >= 0 ? new int[] {c} : new int[0]));
                }
            }
        }
        for (int v = 1; v < packageOf.length; v++) {
            int id = packageOf[v];
            PackageVersion p = universe.get(id);
            addDependencyRules(id, "Pre-Depends", p.preDepends());
            addDependencyRules(id, "Depends", p.depends());
            addConflictRules(id, "Conflicts", p.conflicts());
            addConflictRules(id, "Breaks", p.breaks());
        }
        for (List<Integer> sameNameArch : byName().values()) {
            for (int i = 0; i < sameNameArch.size(); i++) {
                for (int j = i + 1; j < sameNameArch.size(); j++) {
                    int a = sameNameArch.get(i);
                    int b = sameNameArch.get(j);
                    PackageVersion pa = universe.get(a);
                    PackageVersion pb = universe.get(b);
                    boolean coinstallable = !pa.architecture().equals(pb.architecture())
                            && pa.multiArch() == MultiArch.SAME && pb.multiArch() == MultiArch.SAME;
                    if (!coinstallable) {
                        rules.add(new Rule(Rule.Kind.ONE_VERSION, new int[] {-variableOf[a], -variableOf[b]}, a,
                                null, null, new int[] {b}));
                    }
                }
            }
        }
    }

    private boolean isRemovalTarget(PackageVersion p) {
        for (int[] ids : removeTargets.values()) {
            for (int id : ids) {
                if (universe.get(id).nameArch().equals(p.nameArch())) {
                    return true;
                }
            }
        }
        return false;
    }

    private Map<String, List<Integer>> byName() {
        Map<String, List<Integer>> result = new java.util.LinkedHashMap<>();
        for (int v = 1; v < packageOf.length; v++) {
            result.computeIfAbsent(universe.get(packageOf[v]).name(), k -> new ArrayList<>()).add(packageOf[v]);
        }
        return result;
    }

    private void addDependencyRules(int id, String field, List<Dependency> groups) {
        for (Dependency group : groups) {
            int[] sats = groupSatisfiers(id, group);
            int[] clause = new int[sats.length + 1];
            clause[0] = -variableOf[id];
            for (int i = 0; i < sats.length; i++) {
                clause[i + 1] = variableOf[sats[i]];
            }
            rules.add(new Rule(Rule.Kind.DEPENDS, clause, id, field, group, sats));
        }
    }

    private void addConflictRules(int id, String field, List<Dependency> entries) {
        for (Dependency entry : entries) {
            for (Relation r : entry.alternatives()) {
                for (int q : universe.satisfiers(id, r, true)) {
                    if (q != id && isRelevant(q)) {
                        rules.add(new Rule(Rule.Kind.CONFLICTS, new int[] {-variableOf[id], -variableOf[q]}, id,
                                field, r, new int[] {q}));
                    }
                }
            }
        }
    }

    /** Test hook and diagnostics: the number of packages with a variable. */
    @Override
    public String toString() {
        return "Encoding[" + variableCount() + " packages, " + rules.size() + " rules, requested "
                + Arrays.toString(requestedVariables.toArray()) + "]";
    }
}
