package org.aptostree.solver.sat;

/** Counters of a {@link SatSolver}, for reports and benchmarks. */
public record SatStatistics(int variables, int clauses, int learntClauses, long conflicts, long decisions,
        long propagations) {
}
