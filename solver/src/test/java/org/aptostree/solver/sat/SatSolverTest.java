package org.aptostree.solver.sat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class SatSolverTest {

    /** Pigeon-hole principle: n+1 pigeons in n holes; hard for resolution, exercises learning and restarts. */
    private static SatSolver pigeonHole(int holes) {
        SatSolver s = new SatSolver();
        int pigeons = holes + 1;
        int first = s.newVariables(pigeons * holes);
        for (int p = 0; p < pigeons; p++) {
            int[] c = new int[holes];
            for (int h = 0; h < holes; h++) {
                c[h] = first + p * holes + h;
            }
            s.addClause(c);
        }
        for (int h = 0; h < holes; h++) {
            for (int p = 0; p < pigeons; p++) {
                for (int q = p + 1; q < pigeons; q++) {
                    s.addClause(-(first + p * holes + h), -(first + q * holes + h));
                }
            }
        }
        return s;
    }

    @Test
    void pigeonHoleIsUnsatisfiable() {
        assertEquals(SatResult.UNSATISFIABLE, pigeonHole(6).solve());
    }

    @Test
    void conflictBudgetGivesUnknown() {
        SatSolver s = pigeonHole(9);
        s.setConflictBudget(50);
        assertEquals(SatResult.UNKNOWN, s.solve());
    }

    @Test
    void randomThreeSatModelsAreValid() {
        Random random = new Random(42);
        for (int round = 0; round < 20; round++) {
            int vars = 120;
            SatSolver s = new SatSolver();
            s.newVariables(vars);
            List<int[]> clauses = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                int[] c = new int[3];
                for (int k = 0; k < 3; k++) {
                    int v = 1 + random.nextInt(vars);
                    c[k] = random.nextBoolean() ? v : -v;
                }
                clauses.add(c);
                s.addClause(c);
            }
            if (s.solve() == SatResult.SATISFIABLE) {
                for (int[] c : clauses) {
                    assertTrue(s.modelValue(Math.abs(c[0])) == c[0] > 0
                            || s.modelValue(Math.abs(c[1])) == c[1] > 0
                            || s.modelValue(Math.abs(c[2])) == c[2] > 0);
                }
            }
        }
    }

    @Test
    void failedAssumptionsNameTheGuiltySelectors() {
        // Selector literals s1..s3 guard clauses; s1 and s2 contradict each other, s3 is innocent.
        SatSolver s = new SatSolver();
        int x = s.newVariable();
        int s1 = s.newVariable();
        int s2 = s.newVariable();
        int s3 = s.newVariable();
        int y = s.newVariable();
        s.addClause(-s1, x);
        s.addClause(-s2, -x);
        s.addClause(-s3, y);
        assertEquals(SatResult.UNSATISFIABLE, s.solve(s3, s1, s2));
        int[] failed = s.failedAssumptions();
        java.util.Arrays.sort(failed);
        assertEquals(List.of(s1, s2), java.util.Arrays.stream(failed).boxed().toList());
        assertEquals(SatResult.SATISFIABLE, s.solve(s3, s1));
        assertTrue(s.modelValue(x) && s.modelValue(y));
    }

    @Test
    void fixedValuesAndPreferredPhase() {
        SatSolver s = new SatSolver();
        int a = s.newVariable();
        int b = s.newVariable();
        int c = s.newVariable();
        s.addClause(a);
        s.addClause(-a, b);
        assertEquals(Boolean.TRUE, s.fixedValue(b));
        assertEquals(null, s.fixedValue(c));
        s.setPreferredPhase(c, true);
        assertEquals(SatResult.SATISFIABLE, s.solve());
        assertTrue(s.modelValue(c));
        s.setPreferredPhase(c, false);
        s.solve();
        assertFalse(s.modelValue(c));
        assertFalse(s.addClause(-b));
        assertFalse(s.isConsistent());
    }
}
