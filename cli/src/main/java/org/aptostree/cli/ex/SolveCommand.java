package org.aptostree.cli.ex;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.solver.AptPreferences;
import org.aptostree.solver.Plan;
import org.aptostree.solver.PreferencesException;
import org.aptostree.solver.Request;
import org.aptostree.solver.Solver;
import org.aptostree.solver.Universe;
import org.aptostree.solver.UnsatisfiableRequestException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code apt-ostree ex solve}: resolve a request against Packages indexes and print the plan. */
@Command(name = "solve", mixinStandardHelpOptions = true,
        description = {"Resolve an install, remove or upgrade request with the SAT solver.",
            "Prints one 'name version arch' line per package to install or upgrade; removals end with '(remove)'.",
            "Exits 1 with an explanation when the request cannot be satisfied."})
public final class SolveCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--index", required = true, paramLabel = "FILE[@a=…,n=…,site=HOST]",
            description = {"A Packages index (plain, .gz, .xz, .zst, .bz2); repeatable.",
                "Its Release attributes (for 'Pin: release' and 'Pin: origin') come from the InRelease or Release "
                    + "file above it; '@' adds or replaces a=, n=, v=, c=, o=, l=, b= and site= (default \"\": local)."})
    List<String> indexes = new ArrayList<>();

    @Option(names = "--index-priority", paramLabel = "FILE=PRIORITY",
            description = "Fixed pin priority of the packages of one --index (default: from its Release and the preferences).")
    java.util.Map<Path, Integer> indexPriorities = new java.util.HashMap<>();

    @Option(names = "--preferences", paramLabel = "FILE",
            description = "An apt_preferences(5) file; repeatable, read in order (the first matching pin wins).")
    List<Path> preferences = new ArrayList<>();

    @Option(names = {"-t", "--target-release"}, paramLabel = "RELEASE",
            description = "apt's target release (APT::Default-Release): its indexes get priority 990.")
    String targetRelease;

    @Option(names = "--status", paramLabel = "FILE", description = "A dpkg status file: the installed set.")
    Path status;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Where parsed indexes are cached (default: $XDG_CACHE_HOME/apt-ostree/solver).")
    Path cacheDir;

    @Option(names = "--no-cache", description = "Parse the indexes every time.")
    boolean noCache;

    @Option(names = "--extended-states", paramLabel = "FILE",
            description = "apt's extended_states: automatically installed packages may be removed when needed.")
    Path extendedStates;

    @Option(names = "--arch", paramLabel = "ARCH", description = "Native architecture (default: this machine's).")
    String arch;

    @Option(names = "--foreign-arch", paramLabel = "ARCH", description = "A foreign architecture; repeatable.")
    List<String> foreignArchs = new ArrayList<>();

    @Option(names = "--hold", paramLabel = "PKG", description = "Hold an installed package at its version; repeatable.")
    List<String> holds = new ArrayList<>();

    @Option(names = "--pin", paramLabel = "NAME=VERSION",
            description = "Pin a version at priority 1001, as apt_preferences would; repeatable.")
    List<String> pins = new ArrayList<>();

    @Option(names = "--no-strict-pinning",
            description = "Allow versions other than the candidates when nothing else works (apt's --no-strict-pinning).")
    boolean noStrictPinning;

    @Option(names = "--no-recommends", description = "Do not install Recommends.")
    boolean noRecommends;

    @Option(names = "--timings", description = "Print the time of each phase on stderr.")
    boolean timings;

    @Option(names = "--json", description = "Print the plan (or the explanation) as JSON.")
    boolean json;

    @Parameters(index = "0", paramLabel = "ACTION", description = "install, remove or upgrade")
    String action;

    @Parameters(index = "1..*", paramLabel = "PKG", description = "name[:arch][=version]")
    List<String> packages = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<Request.Target> targets = new ArrayList<>();
        for (String p : packages) {
            targets.add(Request.Target.parse(p));
        }
        boolean recommends = !noRecommends;
        Request request = switch (action) {
            case "install" -> Request.install(targets, recommends);
            case "remove" -> Request.remove(targets);
            case "upgrade" -> Request.upgrade(targets, recommends);
            default -> throw new ExitCodeException(2, "unknown action '" + action + "' (install, remove or upgrade)");
        };
        request = request.withStrictPinning(!noStrictPinning);
        if (targets.isEmpty() && !action.equals("upgrade")) {
            throw new ExitCodeException(2, action + " needs at least one package");
        }
        String nativeArch = arch != null ? arch : org.aptostree.deb.index.HostArchitecture.name();
        PhaseClock clock = PhaseClock.sinceJvmStart();
        AptPreferences prefs = AptPreferences.NONE;
        for (Path file : preferences) {
            try {
                prefs = prefs.then(AptPreferences.read(file));
            } catch (PreferencesException e) {
                throw new ExitCodeException(2, e.getMessage());
            }
        }
        for (String warning : prefs.warnings()) {
            spec.commandLine().getErr().println("warning: " + warning);
        }
        List<UniverseFiles.IndexSpec> indexSpecs = new ArrayList<>();
        for (String index : indexes) {
            try {
                indexSpecs.add(UniverseFiles.IndexSpec.parse(index));
            } catch (IllegalArgumentException e) {
                throw new ExitCodeException(2, "--index " + index + ": " + e.getMessage());
            }
        }
        clock.lap("options");
        Universe universe = UniverseFiles.load(nativeArch, foreignArchs, indexSpecs, indexPriorities, prefs,
                targetRelease, status, extendedStates, holds, pins,
                noCache ? null : cacheDir != null ? cacheDir : UniverseFiles.defaultCacheDirectory(), clock);
        Plan plan;
        Solver solver = new Solver(universe);
        try {
            plan = solver.solve(request);
        } catch (UnsatisfiableRequestException e) {
            clock.lap("solve");
            printTimings(clock, solver);
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("solvable", false);
                out.put("explanation", e.reasons());
                spec.commandLine().getOut().println(toJson(out));
                spec.commandLine().getOut().flush();
                throw new ExitCodeException(1, null);
            }
            throw new ExitCodeException(1, "the request cannot be satisfied:\n  " + String.join("\n  ", e.reasons()));
        }
        clock.lap("solve");
        var out = spec.commandLine().getOut();
        if (json) {
            List<Map<String, Object>> changes = new ArrayList<>();
            for (Plan.Change c : plan.changes()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("action", c.action().name().toLowerCase(java.util.Locale.ROOT));
                m.put("name", c.target().name());
                m.put("version", c.target().version().toString());
                m.put("architecture", c.target().architecture());
                if (c.previous() != null) {
                    m.put("previousVersion", c.previous().version().toString());
                }
                m.put("reason", c.reason());
                changes.add(m);
            }
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("solvable", true);
            root.put("changes", changes);
            out.println(toJson(root));
        } else {
            for (Plan.Change c : plan.changes()) {
                out.println(c.target().name() + " " + c.target().version() + " " + c.target().architecture()
                        + (c.action() == Plan.Action.REMOVE ? " (remove)" : ""));
            }
        }
        out.flush();
        printTimings(clock, solver);
        return 0;
    }

    /** The phases on stderr, the solve split into encoding and search, when --timings asks for them. */
    private void printTimings(PhaseClock clock, Solver solver) {
        if (timings) {
            clock.lap("printing");
            clock.add("encoding", solver.encodingTime());
            clock.add("search", solver.searchTime());
            spec.commandLine().getErr().println(clock.summary());
        }
    }

    private static String toJson(Object value) throws Exception {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
    }
}
