package org.aptostree.cli.ex;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.aptostree.solver.Installability;
import org.aptostree.solver.Universe;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code apt-ostree ex distcheck}: which packages of the indexes cannot be installed, and why (like dose-distcheck). */
@Command(name = "distcheck", mixinStandardHelpOptions = true,
        description = {"Check that every package of the given Packages indexes is installable.",
            "Prints one 'name version arch: reason; reason…' line per uninstallable package and a summary on stderr."})
public final class DistcheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--index", required = true, paramLabel = "FILE", description = "A Packages index; repeatable.")
    List<Path> indexes = new ArrayList<>();

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Where parsed indexes are cached (default: $XDG_CACHE_HOME/apt-ostree/solver).")
    Path cacheDir;

    @Option(names = "--no-cache", description = "Parse the indexes every time.")
    boolean noCache;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = "--arch", paramLabel = "ARCH", description = "Native architecture (default: this machine's).")
    String arch;

    @Option(names = "--foreign-arch", paramLabel = "ARCH", description = "A foreign architecture; repeatable.")
    List<String> foreignArchs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        String nativeArch = arch != null ? arch : org.aptostree.deb.index.HostArchitecture.name();
        long start = System.nanoTime();
        Universe universe = UniverseFiles.load(nativeArch, foreignArchs, indexes, null, List.of(),
                noCache ? null : cacheDir != null ? cacheDir : UniverseFiles.defaultCacheDirectory());
        long loaded = System.nanoTime();
        Installability.Report report = new Installability(universe).check();
        long done = System.nanoTime();
        var out = spec.commandLine().getOut();
        if (json) {
            List<java.util.Map<String, Object>> broken = new ArrayList<>();
            for (Installability.Uninstallable u : report.uninstallable()) {
                java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("name", u.packageVersion().name());
                m.put("version", u.packageVersion().version().toString());
                m.put("architecture", u.packageVersion().architecture());
                m.put("reasons", u.reasons());
                broken.add(m);
            }
            java.util.Map<String, Object> root = new java.util.LinkedHashMap<>();
            root.put("checked", report.checked());
            root.put("uninstallable", broken);
            out.println(new com.fasterxml.jackson.databind.ObjectMapper()
                    .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
        } else {
            for (Installability.Uninstallable u : report.uninstallable()) {
                out.println(u.packageVersion() + ": " + String.join("; ", u.reasons()));
            }
        }
        out.flush();
        spec.commandLine().getErr().printf("%d packages, %d not installable (%d solver calls; load %d ms, check %d ms)%n",
                report.checked(), report.uninstallable().size(), report.solverCalls(),
                (loaded - start) / 1_000_000, (done - loaded) / 1_000_000);
        return 0;
    }
}
