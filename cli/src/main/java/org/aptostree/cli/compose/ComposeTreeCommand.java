package org.aptostree.cli.compose;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.daemon.compose.ComposeException;
import org.aptostree.daemon.compose.ComposeProgress;
import org.aptostree.daemon.compose.ComposeTree;
import org.aptostree.daemon.compose.LockedPackage;
import org.aptostree.solver.UnsatisfiableRequestException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code apt-ostree compose tree TREEFILE --repo=REPO}: rpm-ostree compose tree, for Debian packages. */
@Command(name = "tree", mixinStandardHelpOptions = true,
        description = {"Compose a treefile's packages into an OSTree commit: resolve, download (verified), unpack,",
                "configure in a sandbox, rewrite to the OSTree layout, commit. Needs no root."})
final class ComposeTreeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TREEFILE", description = "The treefile (YAML or JSON).")
    Path treefile;

    @Option(names = "--repo", required = true, paramLabel = "REPO", description = "The OSTree repository to commit to.")
    Path repo;

    @Option(names = "--cachedir", paramLabel = "DIR", description = "Package and index cache (default: ~/.cache/apt-ostree/compose).")
    Path cachedir;

    @Option(names = "--workdir", paramLabel = "DIR", description = "Where the tree is staged (default: a directory in the cache's parent).")
    Path workdir;

    @Option(names = "--offline", description = "Use only the cache and local (file:, copy:) mirrors.")
    boolean offline;

    @Option(names = "--dry-run", description = "Resolve and print the package set; download and commit nothing.")
    boolean dryRun;

    @Option(names = "--lockfile", paramLabel = "FILE", description = "Compose exactly the packages of this lockfile.")
    Path lockfile;

    @Option(names = "--write-lockfile-to", paramLabel = "FILE", description = "Write the package set as a lockfile.")
    Path writeLockfileTo;

    @Option(names = "--write-commitid-to", paramLabel = "FILE", description = "Write the commit checksum to FILE.")
    Path writeCommitIdTo;

    @Option(names = "--add-metadata-string", paramLabel = "KEY=VALUE", description = "Add a string to the commit metadata.")
    List<String> metadataStrings = new ArrayList<>();

    @Option(names = "--allow-unbootable", description = {"Commit a tree whose kernel cannot boot it as an OSTree deployment",
            "(a container image's tree) instead of refusing it; it is not marked bootable."})
    boolean allowUnbootable;

    @Option(names = "--json", description = "Progress and result as JSON lines.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (String kv : metadataStrings) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new ExitCodeException(1, "--add-metadata-string: expected KEY=VALUE, got '" + kv + "'");
            }
            metadata.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        Path cache = cachedir != null ? cachedir : defaultCache();
        Path work = workdir != null ? workdir : cache.resolveSibling("compose-work");
        ComposeProgress progress = json ? new JsonProgress(out) : System.console() != null ? new TerminalProgress(err) : new NotesOnly(err);
        ComposeTree.Result result;
        try {
            result = new ComposeTree(new ComposeTree.Options(treefile, repo, cache, work, offline, dryRun, lockfile,
                    writeLockfileTo, metadata, allowUnbootable), progress).run();
        } catch (UnsatisfiableRequestException e) {
            throw new ExitCodeException(1, "the packages cannot be installed together:\n  " + String.join("\n  ", e.reasons()));
        } catch (ComposeException e) {
            if (!e.output().isEmpty()) {
                err.print(e.output());
                err.flush();
            }
            throw new ExitCodeException(1, e.getMessage());
        }
        if (dryRun) {
            if (json) {
                ObjectNode n = new ObjectMapper().createObjectNode().put("result", "dry-run").put("inputhash", result.inputHash());
                result.packages().forEach(p -> n.withArray("packages").addObject().put("name", p.name())
                        .put("version", p.version()).put("architecture", p.architecture()));
                out.println(n);
            } else {
                for (LockedPackage p : result.packages()) {
                    out.println(p.name() + " " + p.version() + " " + p.architecture());
                }
            }
            out.flush();
            return 0;
        }
        String commit = result.commit().orElseThrow().toString();
        if (writeCommitIdTo != null) {
            Files.writeString(writeCommitIdTo, commit + "\n");
        }
        if (json) {
            out.println(new ObjectMapper().createObjectNode().put("result", result.changed() ? "committed" : "unchanged")
                    .put("commit", commit).put("inputhash", result.inputHash()).put("packages", result.packages().size()));
        } else {
            out.println(commit);
        }
        out.flush();
        return 0;
    }

    private static Path defaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("apt-ostree").resolve("compose");
    }

    /** One line per phase and a counter for long phases, on stderr. */
    private static final class TerminalProgress implements ComposeProgress {
        private final PrintWriter err;
        private final long start = System.nanoTime();

        TerminalProgress(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void phase(Phase phase, String detail) {
            err.printf("[%6.1fs] %-11s %s%n", (System.nanoTime() - start) / 1e9, phase.name().toLowerCase(java.util.Locale.ROOT), detail);
            err.flush();
        }

        @Override
        public synchronized void step(Phase phase, int done, int total, String item) {
            err.printf("\r  %d%s %s\033[K", done, total > 0 ? "/" + total : "", item);
            err.flush();
        }

        @Override
        public void note(String message) {
            err.println("\r" + message + "\033[K");
            err.flush();
        }
    }

    /** Not on a terminal: no progress, only what the user should know. */
    private record NotesOnly(PrintWriter err) implements ComposeProgress {
        @Override
        public void note(String message) {
            err.println(message);
            err.flush();
        }
    }

    /** JSON lines on stdout: {"phase": …}, {"step": …}, {"note": …}, then the result. */
    private static final class JsonProgress implements ComposeProgress {
        private final PrintWriter out;
        private final ObjectMapper mapper = new ObjectMapper();
        private final long start = System.nanoTime();

        JsonProgress(PrintWriter out) {
            this.out = out;
        }

        @Override
        public synchronized void phase(Phase phase, String detail) {
            out.println(mapper.createObjectNode().put("phase", phase.name().toLowerCase(java.util.Locale.ROOT)).put("detail", detail)
                    .put("seconds", Math.round((System.nanoTime() - start) / 1e7) / 100.0));
            out.flush();
        }

        @Override
        public synchronized void step(Phase phase, int done, int total, String item) {
            out.println(mapper.createObjectNode().put("phase", phase.name().toLowerCase(java.util.Locale.ROOT))
                    .put("done", done).put("total", total).put("item", item));
            out.flush();
        }

        @Override
        public synchronized void note(String message) {
            out.println(mapper.createObjectNode().put("note", message));
            out.flush();
        }
    }
}
