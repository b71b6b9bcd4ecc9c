package org.aptostree.solver.edsp;

import java.io.PrintWriter;
import java.util.List;

import org.aptostree.solver.Plan;

/** Writes the solver's answer in EDSP 0.5: Install/Remove stanzas by APT-ID, or an Error stanza. */
public final class EdspAnswer {
    private EdspAnswer() {
    }

    public static void writePlan(EdspScenario scenario, Plan plan, PrintWriter out) {
        for (Plan.Change c : plan.changes()) {
            String id = scenario.aptIds().get(EdspScenario.key(c.target()));
            if (id == null) {
                continue; // not from the scenario; cannot be named to apt
            }
            String field = c.action() == Plan.Action.REMOVE ? "Remove" : "Install";
            out.print(field + ": " + id + "\nPackage: " + c.target().name() + "\nArchitecture: "
                    + c.target().architecture() + "\nVersion: " + c.target().version() + "\n\n");
        }
        out.flush();
    }

    /** An Error stanza; the message lines become a folded Message field. */
    public static void writeError(List<String> messageLines, PrintWriter out) {
        StringBuilder b = new StringBuilder("Error: apt-ostree-unsatisfiable\nMessage: The request cannot be satisfied:\n");
        for (String line : messageLines) {
            b.append(' ').append(line.isEmpty() ? "." : line).append('\n');
        }
        out.print(b.append('\n'));
        out.flush();
    }
}
