package org.aptostree.cli.ex;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

import org.aptostree.solver.Plan;
import org.aptostree.solver.Solver;
import org.aptostree.solver.UnsatisfiableRequestException;
import org.aptostree.solver.edsp.EdspAnswer;
import org.aptostree.solver.edsp.EdspScenario;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code apt-ostree ex edsp}: an EDSP 0.5 external solver for apt, reading the scenario on stdin and writing
 * the answer on stdout. apt runs it through {@code solver/edsp/apt-ostree}.
 */
@Command(name = "edsp", mixinStandardHelpOptions = true,
        description = "Act as an apt external solver (EDSP 0.5): scenario on stdin, answer on stdout.")
public final class EdspCommand implements Callable<Integer> {

    @Option(names = "--no-recommends", description = "Do not install Recommends (EDSP 0.5 does not carry apt's setting).")
    boolean noRecommends;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
        EdspScenario scenario;
        try {
            scenario = EdspScenario.read(System.in, !noRecommends);
        } catch (java.io.IOException e) {
            EdspAnswer.writeError(List.of("cannot read the scenario: " + e.getMessage()), out);
            return 0;
        }
        try {
            Plan plan = new Solver(scenario.universe()).solve(scenario.request());
            EdspAnswer.writePlan(scenario, plan, out);
        } catch (UnsatisfiableRequestException e) {
            EdspAnswer.writeError(e.reasons(), out);
        }
        // EDSP: exit 0 for both a solution and "no solution"; non-zero means the solver crashed.
        return 0;
    }
}
