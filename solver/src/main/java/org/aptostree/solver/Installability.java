package org.aptostree.solver;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.aptostree.deb.control.Dependency;
import org.aptostree.solver.sat.SatResult;
import org.aptostree.solver.sat.SatSolver;

/**
 * The installability sweep (what dose-distcheck answers): for every package of a universe, is there an
 * installed set containing it in which all Pre-Depends and Depends hold and no Conflicts or Breaks is
 * violated, with one version per name and architecture? Installed packages play no part.
 *
 * <p>One SAT instance holds the whole universe. Each check only lets the solver branch on the package's
 * dependency cone; everything outside stays unassigned and counts as not installed, which satisfies every
 * clause it appears in (they mention outside packages only negatively, since a cone is closed under
 * dependencies). Every package true in a model found is installable too, so most packages need no
 * search of their own.
 */
public final class Installability {
    private static final int BATCH = 256;
    private final Universe universe;

    public Installability(Universe universe) {
        this.universe = universe;
    }

    /** A package that cannot be installed, with the reasons in the solver's explanation format. */
    public record Uninstallable(PackageVersion packageVersion, List<String> reasons) {
        public Uninstallable {
            reasons = List.copyOf(reasons);
        }
    }

    /** The outcome of a sweep. */
    public record Report(int checked, int solverCalls, List<Uninstallable> uninstallable) {
        public Report {
            uninstallable = List.copyOf(uninstallable);
        }
    }

    public Report check() {
        Encoding enc = Encoding.everything(universe);
        int n = enc.variableCount();
        SatSolver sat = new SatSolver();
        sat.newVariables(n);
        for (Rule rule : enc.rules) {
            sat.addClause(rule.clause());
        }
        int[][] successors = new int[n + 1][];
        for (int v = 1; v <= n; v++) {
            int id = enc.packageOf[v];
            List<Integer> next = new ArrayList<>();
            for (Dependency group : Encoding.hardDependencies(universe.get(id))) {
                for (int s : enc.groupSatisfiers(id, group)) {
                    next.add(enc.variableOf[s]);
                }
            }
            successors[v] = next.stream().mapToInt(Integer::intValue).toArray();
            sat.setDecisionVariable(v, false);
            sat.setPreferredPhase(v, true);
        }
        boolean[] installable = new boolean[n + 1];
        boolean[] inCone = new boolean[n + 1];
        int[] cone = new int[n + 1];
        List<Integer> broken = new ArrayList<>();
        int calls = 0;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i + 1;
        }
        Comparator<Integer> byName = Comparator.comparing(v -> universe.get(enc.packageOf[v]).name());
        Arrays.sort(order, byName.thenComparing(v -> universe.get(enc.packageOf[v]).architecture())
                .thenComparing((a, b) -> universe.get(enc.packageOf[a]).version()
                        .compareTo(universe.get(enc.packageOf[b]).version())));
        // First pass, in batches: let the solver install as much of a batch's cones as it can at once
        // (preferred phase true); everything it installs is installable. Second pass: the rest one by one.
        for (int start = 0; start < n; start += BATCH) {
            int size = 0;
            for (int k = start; k < Math.min(n, start + BATCH); k++) {
                size = addCone(order[k], successors, inCone, cone, size);
            }
            setDecision(sat, cone, size, true);
            calls++;
            if (sat.solve() == SatResult.SATISFIABLE) {
                markIfContained(sat.modelTrueVariables(), inCone, installable);
            }
            setDecision(sat, cone, size, false);
            clear(inCone, cone, size);
        }
        for (int v : order) {
            if (installable[v]) {
                continue;
            }
            int size = addCone(v, successors, inCone, cone, 0);
            setDecision(sat, cone, size, true);
            calls++;
            if (sat.solve(v) == SatResult.SATISFIABLE) {
                if (!markIfContained(sat.modelTrueVariables(), inCone, installable)) {
                    if (fullSolve(sat, n, v)) {
                        installable[v] = true;
                    } else {
                        broken.add(v);
                    }
                }
            } else {
                broken.add(v);
            }
            setDecision(sat, cone, size, false);
            clear(inCone, cone, size);
        }
        List<Uninstallable> result = new ArrayList<>();
        Solver solver = new Solver(universe);
        for (int v : broken) {
            PackageVersion p = universe.get(enc.packageOf[v]);
            Request request = Request.install(
                    List.of(new Request.Target(p.name(), p.architecture(), p.version().toString())), false);
            List<String> reasons;
            try {
                solver.solve(request);
                reasons = List.of("installable only together with installed packages");
            } catch (UnsatisfiableRequestException e) {
                // The sweep asked, not the user: drop the "you asked for" sentence.
                reasons = e.reasons().stream().filter(r -> !r.startsWith("you asked for ")).toList();
            }
            result.add(new Uninstallable(p, reasons));
        }
        return new Report(n, calls, result);
    }

    /** Adds v's dependency closure to the cone being built (cone[0..size)); returns the new size. */
    private static int addCone(int v, int[][] successors, boolean[] inCone, int[] cone, int size) {
        if (inCone[v]) {
            return size;
        }
        int first = size;
        cone[size++] = v;
        inCone[v] = true;
        for (int i = first; i < size; i++) {
            for (int s : successors[cone[i]]) {
                if (!inCone[s]) {
                    inCone[s] = true;
                    cone[size++] = s;
                }
            }
        }
        return size;
    }

    private static void setDecision(SatSolver sat, int[] cone, int size, boolean value) {
        for (int i = 0; i < size; i++) {
            sat.setDecisionVariable(cone[i], value);
        }
    }

    private static void clear(boolean[] inCone, int[] cone, int size) {
        for (int i = 0; i < size; i++) {
            inCone[cone[i]] = false;
        }
    }

    /**
     * Marks the model's packages installable when none lies outside the cone (the soundness condition in
     * the class comment); returns whether it did.
     */
    private static boolean markIfContained(int[] chosen, boolean[] inCone, boolean[] installable) {
        for (int u : chosen) {
            if (!inCone[u]) {
                return false;
            }
        }
        for (int u : chosen) {
            installable[u] = true;
        }
        return true;
    }

    private static boolean fullSolve(SatSolver sat, int n, int v) {
        for (int u = 1; u <= n; u++) {
            sat.setDecisionVariable(u, true);
        }
        boolean ok = sat.solve(v) == SatResult.SATISFIABLE;
        for (int u = 1; u <= n; u++) {
            sat.setDecisionVariable(u, false);
        }
        return ok;
    }
}
