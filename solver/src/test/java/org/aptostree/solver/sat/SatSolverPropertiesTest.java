package org.aptostree.solver.sat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The SAT engine against brute force on small random CNFs. */
class SatSolverPropertiesTest {
    private static final int VARS = 8;

    record Cnf(List<int[]> clauses) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (int[] c : clauses) {
                sb.append(Arrays.toString(c));
            }
            return sb.toString();
        }
    }

    @Provide
    Arbitrary<Cnf> cnfs() {
        Arbitrary<Integer> literal = Arbitraries.integers().between(1, VARS)
                .flatMap(v -> Arbitraries.of(v, -v));
        Arbitrary<int[]> clause = literal.list().ofMinSize(1).ofMaxSize(4)
                .map(l -> l.stream().mapToInt(Integer::intValue).toArray());
        return clause.list().ofMinSize(0).ofMaxSize(40).map(Cnf::new);
    }

    @Provide
    Arbitrary<int[]> assumptionSets() {
        Arbitrary<Integer> literal = Arbitraries.integers().between(1, VARS)
                .flatMap(v -> Arbitraries.of(v, -v));
        return literal.list().ofMaxSize(5).map(l -> l.stream().mapToInt(Integer::intValue).toArray());
    }

    @Property(tries = 2000)
    void agreesWithBruteForceAndModelsSatisfyAllClauses(@ForAll("cnfs") Cnf cnf) {
        SatSolver solver = load(cnf);
        SatResult result = solver.solve();
        boolean expected = bruteForce(cnf.clauses(), new int[0]);
        assertEquals(expected ? SatResult.SATISFIABLE : SatResult.UNSATISFIABLE, result);
        if (result == SatResult.SATISFIABLE) {
            assertModelSatisfies(solver, cnf.clauses(), new int[0]);
        }
    }

    @Property(tries = 2000)
    void assumptionsAndFailedCores(@ForAll("cnfs") Cnf cnf, @ForAll("assumptionSets") int[] assumptions) {
        SatSolver solver = load(cnf);
        // Solve twice: the second call exercises the incremental state (learnt clauses, saved phases).
        for (int round = 0; round < 2; round++) {
            SatResult result = solver.solve(assumptions);
            boolean expected = bruteForce(cnf.clauses(), assumptions);
            assertEquals(expected ? SatResult.SATISFIABLE : SatResult.UNSATISFIABLE, result);
            if (result == SatResult.SATISFIABLE) {
                assertModelSatisfies(solver, cnf.clauses(), assumptions);
            } else {
                int[] failed = solver.failedAssumptions();
                Set<Integer> given = new HashSet<>();
                for (int a : assumptions) {
                    given.add(a);
                }
                for (int f : failed) {
                    assertTrue(given.contains(f), "failed assumption " + f + " was not assumed");
                }
                assertTrue(!bruteForce(cnf.clauses(), failed), "the failed assumptions alone must be contradictory");
            }
        }
    }

    @Property(tries = 500)
    void incrementalAdditionAgreesWithBruteForce(@ForAll("cnfs") Cnf first, @ForAll("cnfs") Cnf second) {
        SatSolver solver = load(first);
        solver.solve();
        List<int[]> all = new ArrayList<>(first.clauses());
        for (int[] c : second.clauses()) {
            solver.addClause(c);
            all.add(c);
            SatResult result = solver.solve();
            boolean expected = bruteForce(all, new int[0]);
            assertEquals(expected ? SatResult.SATISFIABLE : SatResult.UNSATISFIABLE, result);
            if (expected) {
                assertModelSatisfies(solver, all, new int[0]);
            }
        }
    }

    @Property(tries = 200)
    void sameInputSameModel(@ForAll("cnfs") Cnf cnf) {
        SatSolver a = load(cnf);
        SatSolver b = load(cnf);
        SatResult ra = a.solve();
        assertEquals(ra, b.solve());
        if (ra == SatResult.SATISFIABLE) {
            for (int v = 1; v <= VARS; v++) {
                assertEquals(a.modelValue(v), b.modelValue(v));
            }
        }
    }

    static SatSolver load(Cnf cnf) {
        SatSolver solver = new SatSolver();
        solver.newVariables(VARS);
        for (int[] c : cnf.clauses()) {
            solver.addClause(c);
        }
        return solver;
    }

    static void assertModelSatisfies(SatSolver solver, List<int[]> clauses, int[] assumptions) {
        for (int[] c : clauses) {
            boolean sat = false;
            for (int lit : c) {
                sat |= solver.modelValue(Math.abs(lit)) == (lit > 0);
            }
            assertTrue(sat, "clause " + Arrays.toString(c) + " violated");
        }
        for (int a : assumptions) {
            assertEquals(a > 0, solver.modelValue(Math.abs(a)), "assumption " + a + " violated");
        }
    }

    static boolean bruteForce(List<int[]> clauses, int[] assumptions) {
        for (int mask = 0; mask < (1 << VARS); mask++) {
            if (satisfies(mask, clauses, assumptions)) {
                return true;
            }
        }
        return false;
    }

    private static boolean satisfies(int mask, List<int[]> clauses, int[] assumptions) {
        for (int a : assumptions) {
            if (value(mask, a) == false) {
                return false;
            }
        }
        for (int[] c : clauses) {
            boolean sat = false;
            for (int lit : c) {
                sat |= value(mask, lit);
            }
            if (!sat) {
                return false;
            }
        }
        return true;
    }

    private static boolean value(int mask, int lit) {
        boolean v = (mask >> (Math.abs(lit) - 1) & 1) == 1;
        return lit > 0 ? v : !v;
    }

}
