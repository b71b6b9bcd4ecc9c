package org.aptostree.solver.edsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.aptostree.deb.DebFormatException;
import org.aptostree.solver.Plan;
import org.aptostree.solver.Solver;
import org.aptostree.solver.UnsatisfiableRequestException;
import org.junit.jupiter.api.Test;

class EdspScenarioTest {
    private static final String SCENARIO = """
            Request: EDSP 0.5
            Architecture: amd64
            Architectures: amd64
            Install: web:amd64
            Solver: apt-ostree

            Package: web
            Architecture: amd64
            Version: 2
            APT-ID: 10
            APT-Pin: 500
            APT-Candidate: yes
            Depends: lib (>= 2)

            Package: lib
            Architecture: amd64
            Version: 2
            APT-ID: 11
            APT-Pin: 500
            APT-Candidate: yes

            Package: lib
            Architecture: amd64
            Version: 1
            APT-ID: 12
            APT-Pin: 100
            Installed: yes

            Package: old
            Architecture: amd64
            Version: 1
            APT-ID: 13
            APT-Pin: 100
            Installed: yes
            Depends: lib (<< 2)

            """;

    private static EdspScenario read(String text) throws Exception {
        return EdspScenario.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), true);
    }

    @Test
    void answersWithAptIds() throws Exception {
        EdspScenario s = read(SCENARIO.replace("Depends: lib (<< 2)\n", ""));
        Plan plan = new Solver(s.universe()).solve(s.request());
        StringWriter out = new StringWriter();
        EdspAnswer.writePlan(s, plan, new PrintWriter(out));
        assertEquals("""
                Install: 11
                Package: lib
                Architecture: amd64
                Version: 2

                Install: 10
                Package: web
                Architecture: amd64
                Version: 2

                """, out.toString());
    }

    @Test
    void unsatisfiableGivesAnErrorStanza() throws Exception {
        EdspScenario s = read(SCENARIO);
        UnsatisfiableRequestException e = org.junit.jupiter.api.Assertions.assertThrows(
                UnsatisfiableRequestException.class, () -> new Solver(s.universe()).solve(s.request()));
        StringWriter out = new StringWriter();
        EdspAnswer.writeError(e.reasons(), new PrintWriter(out));
        assertEquals(List.of("Error: apt-ostree-unsatisfiable", "Message: The request cannot be satisfied:"),
                out.toString().lines().limit(2).toList());
        assertEquals(true, out.toString().contains(" old is installed (manually) and is kept"), out.toString());
    }

    @Test
    void rejectsInputThatIsNotEdsp() {
        assertThrows(DebFormatException.class, () -> read("Package: x\nVersion: 1\nArchitecture: all\n"));
    }
}
