package org.aptostree.solver;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.aptostree.deb.control.Dependency;
import org.aptostree.solver.sat.SatResult;
import org.aptostree.solver.sat.SatSolver;

/**
 * Resolves a {@link Request} against a {@link Universe}: the hard rules of {@link Encoding}, then, in order
 * of importance, the preferences of apt users, each settled greedily before the next one is looked at:
 * <ol>
 * <li>keep installed versions (or move to the candidate when upgrading);</li>
 * <li>install candidate versions rather than other ones;</li>
 * <li>satisfy Recommends of newly installed packages (when asked);</li>
 * <li>install no package that is not needed (subset-minimal set of new packages).</li>
 * </ol>
 * A first greedy walk in the style of apt (first alternative, candidate version) sets the solver's
 * preferred phases, so among equally small answers the one apt would pick tends to win.
 * The same universe and request always give the same plan.
 */
public final class Solver {
    private final Universe universe;

    public Solver(Universe universe) {
        this.universe = universe;
    }

    /** Set the system property {@code aptostree.solver.trace} to print the time of each stage on stderr. */
    private static final boolean TRACE = Boolean.getBoolean("aptostree.solver.trace");
    private long traceStart;
    private long encodingNanos;
    private long solvingNanos;

    /** The time the last {@link #solve} spent turning the request into clauses (packages read on the way included). */
    public Duration encodingTime() {
        return Duration.ofNanos(encodingNanos);
    }

    /** The time the last {@link #solve} spent on everything but {@link #encodingTime}: search and plan. */
    public Duration searchTime() {
        return Duration.ofNanos(solvingNanos - encodingNanos);
    }

    private void trace(String stage, SatSolver sat) {
        if (TRACE) {
            long now = System.nanoTime();
            System.err.printf("solver: %-14s %5d ms  %s%n", stage, (now - traceStart) / 1_000_000, sat.statistics());
            traceStart = now;
        }
    }

    /**
     * Resolves the request. A requested virtual package with several providers is tried with each provider's
     * candidate in turn and the smallest plan wins (apt would ask the user to pick one); when none works, the
     * explanation covers all providers at once.
     */
    public Plan solve(Request request) throws UnsatisfiableRequestException {
        long start = System.nanoTime();
        encodingNanos = 0;
        try {
            return solveWithProviders(request);
        } finally {
            solvingNanos = System.nanoTime() - start;
        }
    }

    private Plan solveWithProviders(Request request) throws UnsatisfiableRequestException {
        Request current = request;
        for (int i = 0; i < current.install().size(); i++) {
            List<Request.Target> options = providerTargets(current.install().get(i));
            if (options.size() < 2) {
                continue;
            }
            Plan best = null;
            Request bestRequest = null;
            for (Request.Target option : options) {
                List<Request.Target> install = new ArrayList<>(current.install());
                install.set(i, option);
                Request candidate = new Request(install, current.remove(), current.upgrade(), current.upgradeAll(),
                        current.recommends(), current.strictPinning());
                try {
                    Plan plan = solveOnce(candidate);
                    if (best == null || plan.changes().size() < best.changes().size()) {
                        best = plan;
                        bestRequest = candidate;
                    }
                } catch (UnsatisfiableRequestException e) {
                    // try the next provider
                }
            }
            if (bestRequest != null) {
                current = bestRequest;
            }
        }
        return solveOnce(current);
    }

    /** For a purely virtual name: one exact target per provider candidate of the native architecture (or foreign). */
    private List<Request.Target> providerTargets(Request.Target t) {
        if (t.version() != null || !universe.versions(t.name()).isEmpty()) {
            return List.of();
        }
        String arch = t.architecture() == null ? universe.nativeArchitecture() : t.architecture();
        List<Request.Target> result = new ArrayList<>();
        for (int id : universe.idsProviding(t.name())) {
            PackageVersion p = universe.get(id);
            if (universe.isCandidate(id) && (universe.effectiveArchitecture(p).equals(arch)
                    || p.multiArch() == org.aptostree.deb.index.MultiArch.FOREIGN)) {
                result.add(new Request.Target(p.name(), p.architecture(), p.version().toString()));
            }
        }
        return result;
    }

    private Plan solveOnce(Request request) throws UnsatisfiableRequestException {
        traceStart = System.nanoTime();
        long encodingStart = traceStart;
        Encoding enc = Encoding.of(universe, request);
        SatSolver sat = new SatSolver();
        sat.newVariables(enc.variableCount());
        for (Rule rule : enc.rules) {
            sat.addClause(rule.clause());
        }
        Map<Integer, Integer> hintRank = aptLikeChoices(enc);
        for (int v = 1; v <= enc.variableCount(); v++) {
            int id = enc.packageOf[v];
            sat.setPreferredPhase(v, universe.isInstalled(id) || hintRank.containsKey(v));
        }
        for (int v : enc.requestedVariables) {
            sat.boostActivity(v, 1.0);
        }
        encodingNanos += System.nanoTime() - encodingStart;
        trace("encoding", sat);
        if (sat.solve() != SatResult.SATISFIABLE) {
            throw new UnsatisfiableRequestException(Explanation.of(enc));
        }
        trace("first model", sat);

        // 1. Keep installed versions, or upgrade them when asked.
        List<Integer> keep = new ArrayList<>();
        Set<String> upgradeNames = new HashSet<>();
        for (Request.Target t : request.upgrade()) {
            upgradeNames.add(t.name());
        }
        for (int v = 1; v <= enc.variableCount(); v++) {
            int id = enc.packageOf[v];
            if (!universe.isInstalled(id)) {
                continue;
            }
            PackageVersion p = universe.get(id);
            if (request.upgradeAll() || upgradeNames.contains(p.name())) {
                int c = universe.candidateOf(id);
                if (c >= 0 && enc.isRelevant(c)) {
                    keep.add(enc.variableOf[c]);
                    continue;
                }
            }
            keep.add(v);
        }
        maximize(sat, keep);
        // Automatically installed packages that cannot keep their version should at least stay installed.
        List<Integer> stay = new ArrayList<>();
        Map<String, List<Integer>> automaticVersions = new java.util.LinkedHashMap<>();
        for (int v = 1; v <= enc.variableCount(); v++) {
            int id = enc.packageOf[v];
            if (universe.isInstalled(id) && universe.isAutomatic(id)) {
                automaticVersions.put(universe.get(id).nameArch(), new ArrayList<>());
            }
        }
        for (int v = 1; v <= enc.variableCount(); v++) {
            List<Integer> versions = automaticVersions.get(universe.get(enc.packageOf[v]).nameArch());
            if (versions != null) {
                versions.add(v);
            }
        }
        for (List<Integer> versions : automaticVersions.values()) {
            int selector = sat.newVariable();
            int[] clause = new int[versions.size() + 1];
            clause[0] = -selector;
            for (int i = 0; i < versions.size(); i++) {
                clause[i + 1] = versions.get(i);
            }
            sat.addClause(clause);
            stay.add(selector);
        }
        maximize(sat, stay);
        trace("keep installed", sat);

        // 2. Candidate versions for everything else.
        List<Integer> avoid = new ArrayList<>();
        for (int v = 1; v <= enc.variableCount(); v++) {
            int id = enc.packageOf[v];
            if (!universe.isInstalled(id) && !universe.isCandidate(id)) {
                avoid.add(-v);
            }
        }
        maximize(sat, avoid);
        solveOrFail(sat);
        trace("candidates", sat);

        // 3. Recommends of new packages, as long as new packages keep appearing.
        if (request.recommends()) {
            satisfyRecommends(enc, sat);
            trace("recommends", sat);
        }

        // 4. Fewest new packages: shrink to a subset-minimal set.
        minimizeNewPackages(enc, sat, hintRank);
        trace("minimize", sat);
        Plan plan = extractPlan(enc, sat, request);
        trace("plan", sat);
        return plan;
    }

    private static void solveOrFail(SatSolver sat) {
        if (sat.solve() != SatResult.SATISFIABLE) {
            throw new IllegalStateException("solver lost a model it had fixed; this is a bug");
        }
    }

    /**
     * Makes as many of the soft literals true as possible, earlier ones first: all are assumed together, and
     * when that fails the least important literal of the failed core is given up.
     */
    private static void maximize(SatSolver sat, List<Integer> soft) {
        List<Integer> remaining = new ArrayList<>();
        for (int lit : soft) {
            Boolean fixed = sat.fixedValue(Math.abs(lit));
            if (fixed == null) {
                remaining.add(lit);
            }
        }
        while (!remaining.isEmpty()) {
            int[] assumptions = remaining.stream().mapToInt(Integer::intValue).toArray();
            if (sat.solve(assumptions) == SatResult.SATISFIABLE) {
                for (int lit : remaining) {
                    sat.addClause(lit);
                }
                return;
            }
            int[] failed = sat.failedAssumptions();
            if (failed.length == 0) {
                return;
            }
            Set<Integer> failedSet = new HashSet<>();
            for (int f : failed) {
                failedSet.add(f);
            }
            for (int i = remaining.size() - 1; i >= 0; i--) {
                if (failedSet.contains(remaining.get(i))) {
                    remaining.remove(i);
                    break;
                }
            }
        }
    }

    private void satisfyRecommends(Encoding enc, SatSolver sat) {
        boolean[] handled = new boolean[enc.variableCount() + 1];
        while (true) {
            List<Integer> soft = new ArrayList<>();
            boolean any = false;
            for (int v = 1; v <= enc.variableCount(); v++) {
                int id = enc.packageOf[v];
                if (handled[v] || universe.isInstalled(id) || !sat.modelValue(v)) {
                    continue;
                }
                handled[v] = true;
                any = true;
                for (Dependency group : universe.get(id).recommends()) {
                    int[] sats = enc.groupSatisfiers(id, group);
                    if (sats.length == 0) {
                        continue;
                    }
                    boolean satisfied = false;
                    int[] clause = new int[sats.length + 2];
                    clause[1] = -v;
                    for (int i = 0; i < sats.length; i++) {
                        int sv = enc.variableOf[sats[i]];
                        clause[i + 2] = sv;
                        satisfied |= sat.modelValue(sv);
                    }
                    if (satisfied) {
                        sat.addClause(java.util.Arrays.copyOfRange(clause, 1, clause.length));
                    } else {
                        int selector = sat.newVariable();
                        clause[0] = -selector;
                        sat.addClause(clause);
                        soft.add(selector);
                    }
                }
            }
            if (!any) {
                return;
            }
            maximize(sat, soft);
            solveOrFail(sat);
        }
    }

    private void minimizeNewPackages(Encoding enc, SatSolver sat, Map<Integer, Integer> hintRank) {
        solveOrFail(sat);
        List<Integer> chosen = new ArrayList<>();
        for (int v = 1; v <= enc.variableCount(); v++) {
            if (universe.isInstalled(enc.packageOf[v])) {
                continue;
            }
            if (sat.modelValue(v)) {
                chosen.add(v);
            } else {
                sat.addClause(-v);
            }
        }
        // Try to drop packages apt would not have chosen first, then apt's choices from the last one back.
        chosen.sort(Comparator.<Integer>comparingInt(v -> hintRank.containsKey(v) ? 1 : 0)
                .thenComparing(v -> -hintRank.getOrDefault(v, 0))
                .thenComparingInt(v -> v));
        for (int v : chosen) {
            if (sat.fixedValue(v) != null) {
                continue;
            }
            if (sat.solve(-v) == SatResult.SATISFIABLE) {
                sat.addClause(-v);
                for (int u : chosen) {
                    if (!sat.modelValue(u)) {
                        sat.addClause(-u);
                    }
                }
            } else {
                sat.addClause(v);
            }
        }
        solveOrFail(sat);
    }

    /**
     * apt's way, roughly: from the requested packages, satisfy each dependency group not yet satisfied with
     * its first alternative's candidate. Returns variable → order of choice; only used as a hint.
     */
    private Map<Integer, Integer> aptLikeChoices(Encoding enc) {
        Map<Integer, Integer> rank = new HashMap<>();
        Set<Integer> present = new HashSet<>();
        for (int v = 1; v <= enc.variableCount(); v++) {
            if (universe.isInstalled(enc.packageOf[v])) {
                present.add(enc.packageOf[v]);
            }
        }
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int v : enc.requestedVariables) {
            if (v != 0 && rank.putIfAbsent(v, rank.size()) == null) {
                present.add(enc.packageOf[v]);
                queue.add(enc.packageOf[v]);
            }
        }
        while (!queue.isEmpty()) {
            int id = queue.poll();
            PackageVersion p = universe.get(id);
            List<Dependency> groups = new ArrayList<>(Encoding.hardDependencies(p));
            if (enc.request.recommends()) {
                groups.addAll(p.recommends());
            }
            for (Dependency group : groups) {
                int[] sats = enc.groupSatisfiers(id, group);
                boolean satisfied = false;
                for (int s : sats) {
                    satisfied |= present.contains(s);
                }
                if (satisfied || sats.length == 0) {
                    continue;
                }
                int choice = sats[0];
                for (int s : sats) {
                    if (universe.isCandidate(s)) {
                        choice = s;
                        break;
                    }
                }
                present.add(choice);
                rank.put(enc.variableOf[choice], rank.size());
                queue.add(choice);
            }
        }
        return rank;
    }

    private Plan extractPlan(Encoding enc, SatSolver sat, Request request) {
        Map<Integer, String> reasons = new HashMap<>();
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int v : enc.requestedVariables) {
            if (sat.modelValue(v) && reasons.putIfAbsent(v, "requested") == null) {
                queue.add(v);
            }
        }
        // Reasons follow the installed graph breadth-first from the request; packages whose name was installed
        // before (kept, or upgraded by an upgrade request) explain the rest.
        Set<String> upgradeNames = new HashSet<>();
        request.upgrade().forEach(t -> upgradeNames.add(t.name()));
        for (int v = 1; v <= enc.variableCount(); v++) {
            int id = enc.packageOf[v];
            PackageVersion p = universe.get(id);
            if (sat.modelValue(v) && !reasons.containsKey(v)
                    && universe.installedId(p.name(), p.architecture()) >= 0) {
                boolean upgraded = !universe.isInstalled(id);
                boolean asked = request.upgradeAll() || upgradeNames.contains(p.name());
                if (!upgraded || asked) {
                    // Other version changes get their reason from the package that needs them, below.
                    reasons.put(v, upgraded ? "upgrade requested" : "installed");
                    queue.add(v);
                }
            }
        }
        while (!queue.isEmpty()) {
            int v = queue.poll();
            int id = enc.packageOf[v];
            PackageVersion p = universe.get(id);
            for (Dependency group : Encoding.hardDependencies(p)) {
                giveReason(enc, sat, reasons, queue, enc.groupSatisfiers(id, group), "dependency of " + p.name());
            }
            for (Dependency group : p.recommends()) {
                giveReason(enc, sat, reasons, queue, enc.groupSatisfiers(id, group), "recommended by " + p.name());
            }
        }
        Map<String, Integer> before = new HashMap<>();
        Map<String, Integer> after = new HashMap<>();
        List<PackageVersion> installedAfter = new ArrayList<>();
        for (int v = 1; v <= enc.variableCount(); v++) {
            int id = enc.packageOf[v];
            PackageVersion p = universe.get(id);
            if (universe.isInstalled(id)) {
                before.put(p.nameArch(), v);
            }
            if (sat.modelValue(v)) {
                after.put(p.nameArch(), v);
                installedAfter.add(p);
            }
        }
        List<Plan.Change> changes = new ArrayList<>();
        Set<String> keys = new HashSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String key : keys) {
            Integer b = before.get(key);
            Integer a = after.get(key);
            if (b != null && b.equals(a)) {
                continue;
            }
            if (a == null) {
                changes.add(new Plan.Change(Plan.Action.REMOVE, universe.get(enc.packageOf[b]), null,
                        removalReason(enc, request, b)));
                continue;
            }
            PackageVersion target = universe.get(enc.packageOf[a]);
            String reason = reasons.getOrDefault(a, "chosen");
            if (b == null) {
                changes.add(new Plan.Change(Plan.Action.INSTALL, target, null, reason));
            } else {
                PackageVersion previous = universe.get(enc.packageOf[b]);
                Plan.Action action = target.version().compareTo(previous.version()) >= 0
                        ? Plan.Action.UPGRADE : Plan.Action.DOWNGRADE;
                changes.add(new Plan.Change(action, target, previous, reason));
            }
        }
        Comparator<PackageVersion> byName = Comparator.comparing(PackageVersion::name)
                .thenComparing(PackageVersion::architecture);
        changes.sort(Comparator.comparing(Plan.Change::target, byName));
        installedAfter.sort(byName);
        return new Plan(changes, installedAfter);
    }

    private static String removalReason(Encoding enc, Request request, int v) {
        PackageVersion p = enc.universe.get(enc.packageOf[v]);
        for (Request.Target t : request.remove()) {
            if (t.name().equals(p.name())) {
                return "requested";
            }
        }
        return "conflicts with the new set";
    }

    private static void giveReason(Encoding enc, SatSolver sat, Map<Integer, String> reasons,
            ArrayDeque<Integer> queue, int[] satisfiers, String reason) {
        for (int s : satisfiers) {
            int sv = enc.variableOf[s];
            if (sv != 0 && sat.modelValue(sv)) {
                if (reasons.putIfAbsent(sv, reason) == null) {
                    queue.add(sv);
                }
                return;
            }
        }
    }
}
