package org.aptostree.solver.sat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A conflict-driven clause-learning SAT solver in the MiniSat / Glucose tradition: two watched literals,
 * first-UIP learning with clause minimisation, non-chronological backjumping, VSIDS variable activity,
 * Luby restarts, phase saving and LBD-based learnt clause deletion.
 *
 * <p>Variables are numbered from 1; literals use the DIMACS convention ({@code v} or {@code -v}). The solver
 * is incremental: clauses may be added between {@link #solve} calls, and each call may take assumptions.
 * When a call is unsatisfiable under its assumptions, {@link #failedAssumptions()} returns a subset of
 * them that is already contradictory, which is what explanations are built from.
 *
 * <p>Deterministic: there is no randomness, ties in activity go to the lower variable number.
 */
public final class SatSolver {
    private static final byte TRUE = 1;
    private static final byte FALSE = -1;
    private static final byte UNDEF = 0;
    private static final int NO_LIT = -1;
    private static final int RESTART_BASE = 100;

    private int numVars;
    /** Value of each internal literal; both polarities are kept so a lookup is one array read. */
    private byte[] litValue = new byte[4];
    private int[] level = new int[2];
    private Clause[] reason = new Clause[2];
    private boolean[] polarity = new boolean[2];
    private boolean[] seen = new boolean[2];
    private double[] activity = new double[2];
    /** Variables the solver may branch on; the others only get values by propagation. */
    private boolean[] decision = new boolean[2];
    private ClauseList[] watches = new ClauseList[4];
    private final VarHeap heap = new VarHeap();

    private int[] trail = new int[2];
    private int trailSize;
    private int[] trailLim = new int[2];
    private int decisionLevels;
    private int qhead;

    private final List<Clause> clauses = new ArrayList<>();
    private final List<Clause> learnts = new ArrayList<>();
    private double varIncrement = 1.0;
    private double clauseIncrement = 1.0;
    private double maxLearnts;
    /** False once the clause set is unsatisfiable without any assumption. */
    private boolean ok = true;

    private int[] assumptions = new int[0];
    /** The last model, kept sparse: values are set from {@link #modelTrail} and cleared the same way. */
    private boolean[] model = new boolean[0];
    private boolean[] modelAssigned = new boolean[0];
    private int[] modelTrail = new int[0];
    private boolean hasModel;
    private int[] failed = new int[0];

    private long conflicts;
    private long decisions;
    private long propagations;
    private long conflictBudget = -1;

    /** Creates a new variable and returns its number (1, 2, …). */
    public int newVariable() {
        int v = ++numVars;
        ensureCapacity(v);
        watches[2 * v] = new ClauseList();
        watches[2 * v + 1] = new ClauseList();
        decision[v] = true;
        heap.insert(v, activity);
        return v;
    }

    /** Creates {@code count} variables and returns the first one. */
    public int newVariables(int count) {
        int first = numVars + 1;
        for (int i = 0; i < count; i++) {
            newVariable();
        }
        return first;
    }

    public int variableCount() {
        return numVars;
    }

    /**
     * Sets the polarity tried first when the solver decides this variable. Phase saving later replaces
     * it with the last value the variable had, which keeps successive models close to each other.
     */
    public void setPreferredPhase(int var, boolean value) {
        checkVar(var);
        polarity[var] = value;
    }

    /** Raises the variable's activity so that it is decided earlier; used to decide requested packages first. */
    public void boostActivity(int var, double amount) {
        checkVar(var);
        activity[var] += amount * varIncrement;
        heap.update(var, activity);
    }

    /**
     * Says whether the solver may branch on a variable (MiniSat's {@code setDecisionVar}). A model then leaves
     * variables that are neither decided nor propagated unassigned, and {@link #modelValue} reports them
     * false; the caller must know that "false" satisfies every clause they occur in without a decided or
     * propagated literal. Installability checks use this to search only the dependency cone of a package.
     */
    public void setDecisionVariable(int var, boolean value) {
        checkVar(var);
        decision[var] = value;
        if (value && litValue[2 * var] == UNDEF && !heap.contains(var)) {
            heap.insert(var, activity);
        }
    }

    /** True when the variable was assigned (decided or propagated) in the last model. */
    public boolean modelAssigned(int var) {
        checkVar(var);
        return hasModel && var < modelAssigned.length && modelAssigned[var];
    }

    /** Limits the number of conflicts of each following {@link #solve} call; negative means no limit. */
    public void setConflictBudget(long budget) {
        this.conflictBudget = budget;
    }

    /**
     * Adds a clause (a disjunction of DIMACS literals). Returns false if the clause set is now
     * unsatisfiable regardless of assumptions.
     */
    public boolean addClause(int... dimacsLits) {
        if (!ok) {
            return false;
        }
        cancelUntil(0);
        int[] lits = new int[dimacsLits.length];
        for (int i = 0; i < lits.length; i++) {
            lits[i] = toInternal(dimacsLits[i]);
        }
        Arrays.sort(lits);
        int j = 0;
        int previous = NO_LIT;
        for (int lit : lits) {
            byte value = litValue[lit];
            if (value == TRUE || lit == (previous ^ 1)) {
                return true; // satisfied at level 0, or a tautology
            }
            if (value != FALSE && lit != previous) {
                lits[j++] = lit;
                previous = lit;
            }
        }
        if (j == 0) {
            ok = false;
            return false;
        }
        if (j == 1) {
            enqueue(lits[0], null);
            ok = propagate() == null;
            return ok;
        }
        Clause c = new Clause(Arrays.copyOf(lits, j), false);
        clauses.add(c);
        attach(c);
        return true;
    }

    /** Solves under the given assumptions (DIMACS literals that must hold in this call only). */
    public SatResult solve(int... dimacsAssumptions) {
        hasModel = false;
        failed = new int[0];
        if (!ok) {
            return SatResult.UNSATISFIABLE;
        }
        cancelUntil(0);
        assumptions = new int[dimacsAssumptions.length];
        for (int i = 0; i < assumptions.length; i++) {
            assumptions[i] = toInternal(dimacsAssumptions[i]);
        }
        if (propagate() != null) {
            ok = false;
            return SatResult.UNSATISFIABLE;
        }
        maxLearnts = Math.max(maxLearnts, Math.max(clauses.size() / 3.0, 2000));
        long startConflicts = conflicts;
        SatResult result = null;
        for (int restart = 0; result == null; restart++) {
            long allowed = (long) (luby(restart) * RESTART_BASE);
            if (conflictBudget >= 0) {
                long left = conflictBudget - (conflicts - startConflicts);
                if (left <= 0) {
                    result = SatResult.UNKNOWN;
                    break;
                }
                allowed = Math.min(allowed, left);
            }
            result = search(allowed);
        }
        if (result == SatResult.SATISFIABLE) {
            saveModel();
        }
        cancelUntil(0);
        return result;
    }

    /**
     * Copies the assignment from the trail rather than from every variable, so that a model found in a small
     * part of a large instance (see {@link #setDecisionVariable}) costs only what that part costs.
     */
    private void saveModel() {
        for (int lit : modelTrail) {
            model[var(lit)] = false;
            modelAssigned[var(lit)] = false;
        }
        if (model.length < numVars + 1) {
            model = new boolean[numVars + 1];
            modelAssigned = new boolean[numVars + 1];
        }
        modelTrail = Arrays.copyOf(trail, trailSize);
        for (int lit : modelTrail) {
            model[var(lit)] = (lit & 1) == 0;
            modelAssigned[var(lit)] = true;
        }
        hasModel = true;
    }

    /** The value of a variable in the last model found. */
    public boolean modelValue(int var) {
        checkVar(var);
        if (!hasModel) {
            throw new IllegalStateException("no model: the last solve call did not find one");
        }
        return var < model.length && model[var];
    }

    /** The variables true in the last model, in the order they were assigned. */
    public int[] modelTrueVariables() {
        if (!hasModel) {
            throw new IllegalStateException("no model: the last solve call did not find one");
        }
        IntList result = new IntList();
        for (int lit : modelTrail) {
            if ((lit & 1) == 0) {
                result.add(var(lit));
            }
        }
        return result.toArray();
    }

    /** The assumptions (as given to {@link #solve}) that together made the last call unsatisfiable; empty if no assumption was needed. */
    public int[] failedAssumptions() {
        return failed.clone();
    }

    /** The value a variable has without any assumption and decision (true, false), or null when it is not fixed. */
    public Boolean fixedValue(int var) {
        checkVar(var);
        cancelUntil(0);
        byte value = litValue[2 * var];
        if (value == UNDEF || level[var] != 0) {
            return null;
        }
        return value == TRUE;
    }

    /** False once the clauses are unsatisfiable whatever the assumptions. */
    public boolean isConsistent() {
        return ok;
    }

    public SatStatistics statistics() {
        return new SatStatistics(numVars, clauses.size(), learnts.size(), conflicts, decisions, propagations);
    }

    // ---- search ----

    private SatResult search(long allowedConflicts) {
        long conflictsHere = 0;
        while (true) {
            Clause conflict = propagate();
            if (conflict != null) {
                conflicts++;
                conflictsHere++;
                if (decisionLevels == 0) {
                    ok = false;
                    return SatResult.UNSATISFIABLE;
                }
                int[] learnt = analyze(conflict);
                int backLevel = learnt.length == 1 ? 0 : level[var(learnt[1])];
                cancelUntil(backLevel);
                if (learnt.length == 1) {
                    enqueue(learnt[0], null);
                } else {
                    Clause c = new Clause(learnt, true);
                    c.lbd = computeLbd(learnt);
                    learnts.add(c);
                    attach(c);
                    bumpClause(c);
                    enqueue(learnt[0], c);
                }
                varIncrement /= 0.95;
                clauseIncrement /= 0.999;
            } else {
                if (conflictsHere >= allowedConflicts) {
                    cancelUntil(0);
                    return null; // restart
                }
                if (learnts.size() - trailSize >= maxLearnts) {
                    reduceLearnts();
                }
                int next = NO_LIT;
                while (decisionLevels < assumptions.length) {
                    int a = assumptions[decisionLevels];
                    if (litValue[a] == TRUE) {
                        newDecisionLevel(); // keeps assumption i at level i+1 so analyzeFinal can find it
                    } else if (litValue[a] == FALSE) {
                        analyzeFinal(a);
                        return SatResult.UNSATISFIABLE;
                    } else {
                        next = a;
                        break;
                    }
                }
                if (next == NO_LIT) {
                    next = pickBranchLiteral();
                    if (next == NO_LIT) {
                        return SatResult.SATISFIABLE;
                    }
                    decisions++;
                }
                newDecisionLevel();
                enqueue(next, null);
            }
        }
    }

    private int pickBranchLiteral() {
        while (!heap.isEmpty()) {
            int v = heap.removeMax(activity);
            if (litValue[2 * v] == UNDEF && decision[v]) {
                return polarity[v] ? 2 * v : 2 * v + 1;
            }
        }
        return NO_LIT;
    }

    /** Unit propagation over the watch lists; returns a conflicting clause or null. */
    private Clause propagate() {
        Clause conflict = null;
        while (qhead < trailSize) {
            int p = trail[qhead++];
            int falseLit = p ^ 1;
            ClauseList ws = watches[falseLit];
            Clause[] data = ws.data;
            int n = ws.size;
            int i = 0;
            int j = 0;
            propagations++;
            while (i < n) {
                Clause c = data[i++];
                if (c.removed) {
                    continue;
                }
                int[] lits = c.lits;
                if (lits[0] == falseLit) {
                    lits[0] = lits[1];
                    lits[1] = falseLit;
                }
                int first = lits[0];
                if (litValue[first] == TRUE) {
                    data[j++] = c;
                    continue;
                }
                boolean moved = false;
                for (int k = 2; k < lits.length; k++) {
                    if (litValue[lits[k]] != FALSE) {
                        lits[1] = lits[k];
                        lits[k] = falseLit;
                        watches[lits[1]].add(c);
                        moved = true;
                        break;
                    }
                }
                if (moved) {
                    continue;
                }
                data[j++] = c;
                if (litValue[first] == FALSE) {
                    conflict = c;
                    qhead = trailSize;
                    while (i < n) {
                        data[j++] = data[i++];
                    }
                } else {
                    enqueue(first, c);
                }
            }
            Arrays.fill(data, j, n, null);
            ws.size = j;
            if (conflict != null) {
                return conflict;
            }
        }
        return null;
    }

    /** First-UIP conflict analysis; returns the learnt clause with the asserting literal first and the backjump literal second. */
    private int[] analyze(Clause conflict) {
        IntList out = new IntList();
        out.add(NO_LIT);
        int pathCount = 0;
        int p = NO_LIT;
        int index = trailSize - 1;
        Clause c = conflict;
        do {
            if (c.learnt) {
                bumpClause(c);
            }
            for (int k = (p == NO_LIT ? 0 : 1); k < c.lits.length; k++) {
                int q = c.lits[k];
                int v = var(q);
                if (!seen[v] && level[v] > 0) {
                    bumpVariable(v);
                    seen[v] = true;
                    if (level[v] >= decisionLevels) {
                        pathCount++;
                    } else {
                        out.add(q);
                    }
                }
            }
            while (!seen[var(trail[index])]) {
                index--;
            }
            p = trail[index];
            index--;
            c = reason[var(p)];
            seen[var(p)] = false;
            pathCount--;
        } while (pathCount > 0);
        out.set(0, p ^ 1);

        // Drop literals implied by others already in the clause (local minimisation).
        int[] lits = out.toArray();
        int j = 1;
        for (int i = 1; i < lits.length; i++) {
            Clause r = reason[var(lits[i])];
            boolean keep = r == null;
            if (!keep) {
                for (int k = 1; k < r.lits.length; k++) {
                    int v = var(r.lits[k]);
                    if (!seen[v] && level[v] > 0) {
                        keep = true;
                        break;
                    }
                }
            }
            if (keep) {
                lits[j++] = lits[i];
            }
        }
        for (int i = 1; i < lits.length; i++) {
            seen[var(lits[i])] = false;
        }
        int[] learnt = Arrays.copyOf(lits, j);
        if (learnt.length > 1) {
            int max = 1;
            for (int i = 2; i < learnt.length; i++) {
                if (level[var(learnt[i])] > level[var(learnt[max])]) {
                    max = i;
                }
            }
            int t = learnt[1];
            learnt[1] = learnt[max];
            learnt[max] = t;
        }
        return learnt;
    }

    /** Collects the assumptions that imply the negation of assumption {@code a}, which was found false. */
    private void analyzeFinal(int a) {
        IntList out = new IntList();
        out.add(toDimacs(a));
        if (decisionLevels > 0) {
            seen[var(a)] = true;
            for (int i = trailSize - 1; i >= trailLim[0]; i--) {
                int v = var(trail[i]);
                if (!seen[v]) {
                    continue;
                }
                Clause r = reason[v];
                if (r == null) {
                    // Every decision made so far is an assumption: analyzeFinal runs before any free decision.
                    out.add(toDimacs(trail[i]));
                } else {
                    for (int k = 1; k < r.lits.length; k++) {
                        if (level[var(r.lits[k])] > 0) {
                            seen[var(r.lits[k])] = true;
                        }
                    }
                }
                seen[v] = false;
            }
            seen[var(a)] = false;
        }
        failed = out.toArray();
    }

    private int computeLbd(int[] lits) {
        int[] levels = new int[lits.length];
        for (int i = 0; i < lits.length; i++) {
            levels[i] = level[var(lits[i])];
        }
        Arrays.sort(levels);
        int distinct = 0;
        for (int i = 0; i < levels.length; i++) {
            if (i == 0 || levels[i] != levels[i - 1]) {
                distinct++;
            }
        }
        return distinct;
    }

    /** Deletes about half of the learnt clauses, the least useful first (high LBD, then low activity); binary and glue clauses stay. */
    private void reduceLearnts() {
        learnts.sort((x, y) -> {
            if (x.lbd != y.lbd) {
                return Integer.compare(y.lbd, x.lbd);
            }
            return Double.compare(x.activity, y.activity);
        });
        int target = learnts.size() / 2;
        int removedCount = 0;
        List<Clause> kept = new ArrayList<>(learnts.size());
        for (Clause c : learnts) {
            if (removedCount < target && c.lits.length > 2 && c.lbd > 2 && !isLocked(c)) {
                c.removed = true;
                removedCount++;
            } else {
                kept.add(c);
            }
        }
        learnts.clear();
        learnts.addAll(kept);
        for (int lit = 2; lit < 2 * numVars + 2; lit++) {
            watches[lit].purgeRemoved();
        }
        maxLearnts *= 1.1;
    }

    private boolean isLocked(Clause c) {
        int v = var(c.lits[0]);
        return reason[v] == c && litValue[c.lits[0]] == TRUE;
    }

    // ---- assignment ----

    private void enqueue(int lit, Clause from) {
        int v = var(lit);
        litValue[lit] = TRUE;
        litValue[lit ^ 1] = FALSE;
        level[v] = decisionLevels;
        reason[v] = from;
        trail[trailSize++] = lit;
    }

    private void newDecisionLevel() {
        trailLim[decisionLevels++] = trailSize;
    }

    private void cancelUntil(int target) {
        if (decisionLevels <= target) {
            return;
        }
        int limit = trailLim[target];
        for (int i = trailSize - 1; i >= limit; i--) {
            int lit = trail[i];
            int v = var(lit);
            polarity[v] = (lit & 1) == 0; // phase saving
            litValue[lit] = UNDEF;
            litValue[lit ^ 1] = UNDEF;
            reason[v] = null;
            if (decision[v] && !heap.contains(v)) {
                heap.insert(v, activity);
            }
        }
        trailSize = limit;
        qhead = limit;
        decisionLevels = target;
    }

    private void attach(Clause c) {
        watches[c.lits[0]].add(c);
        watches[c.lits[1]].add(c);
    }

    private void bumpVariable(int v) {
        activity[v] += varIncrement;
        if (activity[v] > 1e100) {
            for (int i = 1; i <= numVars; i++) {
                activity[i] *= 1e-100;
            }
            varIncrement *= 1e-100;
        }
        heap.update(v, activity);
    }

    private void bumpClause(Clause c) {
        c.activity += clauseIncrement;
        if (c.activity > 1e20) {
            for (Clause l : learnts) {
                l.activity *= 1e-20;
            }
            clauseIncrement *= 1e-20;
        }
    }

    /** The Luby sequence 1 1 2 1 1 2 4 … used to space restarts. */
    static double luby(int x) {
        int size = 1;
        int seq = 0;
        while (size < x + 1) {
            seq++;
            size = 2 * size + 1;
        }
        while (size - 1 != x) {
            size = (size - 1) >> 1;
            seq--;
            x = x % size;
        }
        return Math.pow(2, seq);
    }

    // ---- literals and storage ----

    private static int var(int lit) {
        return lit >> 1;
    }

    private int toInternal(int dimacs) {
        int v = Math.abs(dimacs);
        if (dimacs == 0 || v > numVars) {
            throw new IllegalArgumentException("no such variable: " + dimacs);
        }
        return dimacs > 0 ? 2 * v : 2 * v + 1;
    }

    private static int toDimacs(int lit) {
        return (lit & 1) == 0 ? var(lit) : -var(lit);
    }

    private void checkVar(int var) {
        if (var < 1 || var > numVars) {
            throw new IllegalArgumentException("no such variable: " + var);
        }
    }

    private void ensureCapacity(int v) {
        if (v + 1 > level.length) {
            int size = Math.max(v + 1, level.length * 2);
            level = Arrays.copyOf(level, size);
            reason = Arrays.copyOf(reason, size);
            polarity = Arrays.copyOf(polarity, size);
            seen = Arrays.copyOf(seen, size);
            decision = Arrays.copyOf(decision, size);
            activity = Arrays.copyOf(activity, size);
            trail = Arrays.copyOf(trail, size);
            trailLim = Arrays.copyOf(trailLim, size);
            litValue = Arrays.copyOf(litValue, 2 * size);
            watches = Arrays.copyOf(watches, 2 * size);
            heap.ensureCapacity(size);
        }
    }
}
