package org.aptostree.solver;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.aptostree.solver.sat.SatResult;
import org.aptostree.solver.sat.SatSolver;

/**
 * Turns an unsatisfiable encoding into sentences: each rule gets a selector literal, the SAT engine's
 * failed assumptions give an unsatisfiable core, and dropping rules one by one while the rest stays
 * unsatisfiable makes it minimal (a MUS), so every sentence printed is needed for the contradiction.
 */
final class Explanation {
    private final Encoding enc;
    private final Universe universe;
    private final Set<Integer> requested = new HashSet<>();

    private Explanation(Encoding enc) {
        this.enc = enc;
        this.universe = enc.universe;
        for (int v : enc.requestedVariables) {
            requested.add(enc.packageOf[v]);
        }
    }

    static List<String> of(Encoding enc) {
        return new Explanation(enc).explain();
    }

    private List<String> explain() {
        List<Rule> rules = enc.rules;
        SatSolver sat = new SatSolver();
        sat.newVariables(enc.variableCount());
        int firstSelector = sat.newVariables(rules.size());
        for (int i = 0; i < rules.size(); i++) {
            int[] clause = Arrays.copyOf(rules.get(i).clause(), rules.get(i).clause().length + 1);
            clause[clause.length - 1] = -(firstSelector + i);
            sat.addClause(clause);
        }
        int[] all = new int[rules.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = firstSelector + i;
        }
        if (sat.solve(all) != SatResult.UNSATISFIABLE) {
            return List.of("the request cannot be satisfied (no explanation found)");
        }
        List<Integer> core = sorted(sat.failedAssumptions());
        // Deletion-based minimisation: a rule whose removal keeps the core contradictory is not needed.
        for (int i = 0; i < core.size(); ) {
            List<Integer> trial = new ArrayList<>(core);
            trial.remove(i);
            if (sat.solve(trial.stream().mapToInt(Integer::intValue).toArray()) == SatResult.UNSATISFIABLE) {
                Set<Integer> smaller = new HashSet<>(sorted(sat.failedAssumptions()));
                List<Integer> next = new ArrayList<>();
                for (int s : trial) {
                    if (smaller.contains(s)) {
                        next.add(s);
                    }
                }
                core = next;
            } else {
                i++;
            }
        }
        List<Rule> used = new ArrayList<>();
        for (int s : core) {
            used.add(rules.get(s - firstSelector));
        }
        used.sort(Comparator.comparingInt((Rule r) -> r.kind().ordinal())
                .thenComparingInt(r -> r.subject() < 0 ? -1 : enc.variableOf[r.subject()]));
        LinkedHashSet<String> sentences = new LinkedHashSet<>();
        for (Rule r : used) {
            sentences.add(describe(r));
        }
        return new ArrayList<>(sentences);
    }

    private static List<Integer> sorted(int[] values) {
        int[] copy = values.clone();
        Arrays.sort(copy);
        return Arrays.stream(copy).boxed().toList();
    }

    private String describe(Rule r) {
        switch (r.kind()) {
            case REQUEST_INSTALL:
                if (r.matches().length == 0) {
                    return "you asked for " + r.relation() + ", but no such package is available";
                }
                if (r.matches().length > 1 || !universe.get(r.matches()[0]).name().equals(nameOf(r.relation()))) {
                    return "you asked for " + r.relation() + ", which is provided by " + list(r.matches());
                }
                return "you asked for " + label(r.matches()[0]);
            case REQUEST_REMOVE:
                return "you asked to remove " + r.relation();
            case HELD:
                return label(r.subject()) + " is held at its installed version";
            case ESSENTIAL:
                return universe.get(r.subject()).name() + " is installed and "
                        + (universe.get(r.subject()).essential() ? "essential" : "protected")
                        + ", so it may not be removed";
            case KEEP_INSTALLED:
                return universe.get(r.subject()).name() + " is installed (manually) and is kept";
            case DEPENDS:
                if (r.matches().length == 0) {
                    return label(r.subject()) + " " + verb(r.field()) + " " + r.relation()
                            + ", which no available package satisfies";
                }
                return label(r.subject()) + " " + verb(r.field()) + " " + r.relation() + ", satisfied only by "
                        + list(r.matches());
            case CONFLICTS: {
                PackageVersion other = universe.get(r.matches()[0]);
                String target = nameOf(r.relation()).equals(other.name())
                        ? r.relation() + (r.relation().contains("(") ? " (" + other.version() + " is a match)" : "")
                        : r.relation() + ", provided by " + other.name();
                return universe.get(r.subject()).name() + " " + verb(r.field()) + " " + target
                        + whoWanted(r.matches()[0]);
            }
            case ONE_VERSION:
                return "only one of " + label(r.subject()) + " and " + label(r.matches()[0])
                        + " can be installed";
            case NOT_CANDIDATE:
                if (universe.priority(r.subject()) < 0) {
                    return label(r.subject()) + " is pinned to priority " + universe.priority(r.subject())
                            + ", which forbids installing it";
                }
                if (r.matches().length == 0) {
                    return label(r.subject()) + " is not a candidate version";
                }
                return label(r.subject()) + " is not the candidate version; " + label(r.matches()[0])
                        + " is (pin priority " + universe.priority(r.matches()[0]) + " against "
                        + universe.priority(r.subject()) + ")";
            default:
                throw new IllegalStateException(r.kind().toString());
        }
    }

    private String whoWanted(int id) {
        if (requested.contains(id)) {
            return ", which you asked for";
        }
        if (universe.isInstalled(id)) {
            return ", which is installed";
        }
        return "";
    }

    private static String nameOf(String relation) {
        int end = 0;
        while (end < relation.length() && " :(=".indexOf(relation.charAt(end)) < 0) {
            end++;
        }
        return relation.substring(0, end);
    }

    private static String verb(String field) {
        return switch (field) {
            case "Pre-Depends" -> "pre-depends on";
            case "Depends" -> "depends on";
            case "Conflicts" -> "conflicts with";
            case "Breaks" -> "breaks";
            default -> field;
        };
    }

    private String label(int id) {
        PackageVersion p = universe.get(id);
        String arch = p.architecture().equals(universe.nativeArchitecture()) || p.architecture().equals("all")
                ? "" : ":" + p.architecture();
        return p.name() + arch + " " + p.version();
    }

    private String list(int[] ids) {
        List<String> labels = new ArrayList<>();
        for (int id : ids) {
            labels.add(label(id));
        }
        if (labels.size() > 6) {
            int more = labels.size() - 5;
            labels = new ArrayList<>(labels.subList(0, 5));
            labels.add(more + " more");
        }
        return String.join(", ", labels);
    }
}
