package org.aptostree.solver.sat;

/** The answer of one {@link SatSolver#solve} call. */
public enum SatResult {
    /** A model exists; read it with {@link SatSolver#modelValue(int)}. */
    SATISFIABLE,
    /** No model under the given assumptions; {@link SatSolver#failedAssumptions()} says which assumptions are to blame. */
    UNSATISFIABLE,
    /** The conflict budget ran out before an answer was found. */
    UNKNOWN
}
