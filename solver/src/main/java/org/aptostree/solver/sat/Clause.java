package org.aptostree.solver.sat;

/**
 * A clause in the solver's internal literal encoding ({@code 2*var + sign}). The first two literals are
 * the watched ones; for a clause that is the reason of an assignment, the implied literal is at index 0.
 */
final class Clause {
    final int[] lits;
    final boolean learnt;
    /** Literal block distance at learning time: how many decision levels the clause spans (glucose). */
    int lbd;
    double activity;
    /** Set when the clause is deleted; watch lists drop such clauses lazily. */
    boolean removed;

    Clause(int[] lits, boolean learnt) {
        this.lits = lits;
        this.learnt = learnt;
    }
}
