package org.aptostree.cli.compose;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.cli.ostree.EncapsulateOptions;
import org.aptostree.daemon.compose.ComposeException;
import org.aptostree.daemon.compose.ComposeProgress;
import org.aptostree.daemon.compose.ComposeTree;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.oci.ImageConfig;
import org.aptostree.ostree.oci.ImageManifest;
import org.aptostree.ostree.oci.ImageReference;
import org.aptostree.ostree.oci.ImageSource;
import org.aptostree.ostree.oci.Platform;
import org.aptostree.ostree.repo.RepoMode;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.solver.UnsatisfiableRequestException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * rpm-ostree's {@code compose image}: a treefile straight to a container image, rootless. The tree is composed into
 * a bare-user repository in the cache directory, then encapsulated (one layer per source package) to the output.
 * Unless told to initialize, the image already at the output is read first: when it was built from the same input
 * (its {@code aptostree.inputhash} label) nothing is written, and otherwise its layer grouping is kept so that an
 * update changes only the layers of the packages that changed.
 */
@Command(name = "image", mixinStandardHelpOptions = true,
        description = "Generate a reproducible container image from a treefile (rootless).")
final class ComposeImageCommand implements Callable<Integer> {
    /** rpm-ostree's {@code --initialize-mode}. */
    enum InitializeMode { query, always, never, ifNotExists }

    /** rpm-ostree's {@code --format}: where the image goes. */
    enum Format { ociarchive, oci, registry }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TREEFILE", description = "The treefile (YAML or JSON)")
    Path treefile;

    @Parameters(index = "1", paramLabel = "OUTPUT", description = "The image: a file (ociarchive), a directory (oci) or HOST/NAME:TAG (registry)")
    String output;

    @Option(names = "--format", paramLabel = "FORMAT", description = "ociarchive (default), oci or registry")
    Format format = Format.ociarchive;

    @Option(names = "--cachedir", paramLabel = "DIR", description = "Directory for downloaded packages and the repository (default: a temporary one)")
    Path cachedir;

    @Option(names = {"-i", "--initialize"}, description = "Do not query the previous image at the output; use this for the first build")
    boolean initialize;

    @Option(names = "--initialize-mode", paramLabel = "MODE",
            description = "query (default: the output must exist), always, never (it must not), if-not-exists")
    String initializeMode;

    @Option(names = "--offline", description = "Use only cached data and local mirrors")
    boolean offline;

    @Option(names = "--lockfile", paramLabel = "FILE", description = "Compose exactly the packages of this lockfile")
    Path lockfile;

    @Option(names = "--write-lockfile-to", paramLabel = "FILE", description = "Write the package set as a lockfile")
    Path writeLockfileTo;

    @Option(names = "--touch-if-changed", paramLabel = "FILE", description = "Update the timestamp or create this file on changes")
    Path touchIfChanged;

    @Mixin
    EncapsulateOptions encapsulate;

    private InitializeMode mode() throws ExitCodeException {
        if (initialize && initializeMode != null) {
            throw new ExitCodeException(1, "--initialize and --initialize-mode cannot be used together");
        }
        if (initialize) {
            return InitializeMode.always;
        }
        if (initializeMode == null) {
            return InitializeMode.query;
        }
        return switch (initializeMode) {
            case "query" -> InitializeMode.query;
            case "always" -> InitializeMode.always;
            case "never" -> InitializeMode.never;
            case "if-not-exists" -> InitializeMode.ifNotExists;
            default -> throw new ExitCodeException(1, "--initialize-mode: expected query, always, never or if-not-exists, not " + initializeMode);
        };
    }

    /** The image at the output: its manifest and the input hash it was built from. */
    private record Previous(ImageManifest manifest, Optional<String> inputHash) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        InitializeMode mode = mode();
        ImageReference target = ImageReference.parse(switch (format) {
            case ociarchive -> "oci-archive:" + output;
            case oci -> "oci:" + output;
            case registry -> "docker://" + output;
        });
        Path cache = cachedir != null ? cachedir : Files.createTempDirectory(Path.of("/var/tmp"), "apt-ostree-compose-image");
        if (!Files.isDirectory(cache)) {
            throw new ExitCodeException(1, "Failed to find specified cachedir: " + cache);
        }
        try {
            Optional<Previous> previous = Optional.empty();
            if (mode != InitializeMode.always) {
                previous = previous(target, cache);
                if (previous.isEmpty() && mode == InitializeMode.query) {
                    throw new ExitCodeException(1, "no image at " + target + " (use --initialize for the first build)");
                }
                if (previous.isPresent() && mode == InitializeMode.never) {
                    throw new ExitCodeException(1, "Target image already exists: " + target);
                }
            }
            Path repoPath = cache.resolve("repo");
            if (!Files.isDirectory(repoPath)) {
                Repository.init(repoPath, RepoMode.BARE_USER);
            }
            ComposeProgress progress = new ComposeProgress() {
                @Override
                public void note(String message) {
                    err.println(message);
                    err.flush();
                }
            };
            // A dry run gives the input hash; an image built from the same input needs no compose at all.
            ComposeTree.Options dry = new ComposeTree.Options(treefile, repoPath, cache.resolve("v0"), cache.resolve("work"), offline, true,
                    lockfile, writeLockfileTo, Map.of());
            String inputHash = new ComposeTree(dry, progress).run().inputHash();
            if (previous.isPresent() && previous.get().inputHash().filter(inputHash::equals).isPresent()) {
                out.println("No changes in input (" + inputHash + "); " + target + " is left as it is");
                out.flush();
                return 0;
            }
            ComposeTree.Result result = new ComposeTree(new ComposeTree.Options(treefile, repoPath, cache.resolve("v0"), cache.resolve("work"),
                    offline, false, lockfile, null, Map.of()), progress).run();
            String commit = result.commit().orElseThrow().hex();
            encapsulate.run(Repository.open(repoPath), commit, target.toString(), out, previous.map(Previous::manifest));
            if (touchIfChanged != null) {
                if (Files.exists(touchIfChanged)) {
                    Files.setLastModifiedTime(touchIfChanged, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
                } else {
                    Files.createFile(touchIfChanged);
                }
            }
            return 0;
        } catch (UnsatisfiableRequestException e) {
            throw new ExitCodeException(1, "the packages cannot be installed together:\n  " + String.join("\n  ", e.reasons()));
        } catch (ComposeException e) {
            if (!e.output().isEmpty()) {
                err.print(e.output());
                err.flush();
            }
            throw new ExitCodeException(1, e.getMessage());
        } finally {
            if (cachedir == null) {
                new ProcessBuilder("rm", "-rf", cache.toString()).inheritIO().start().waitFor();
            }
        }
    }

    /** The image at the output, if there is one. */
    private Optional<Previous> previous(ImageReference target, Path cache) throws Exception {
        if (target.transport() != ImageReference.Transport.REGISTRY && !Files.exists(target.localPath())) {
            return Optional.empty();
        }
        try (ImageSource source = ImageSource.open(target, cache.resolve("previous"), encapsulate.authfile())) {
            ImageSource.Fetched m = source.manifest(Platform.host());
            ImageConfig config = ImageConfig.parse(source.readBlob(m.manifest().config(), ImageConfig.MAX_SIZE));
            return Optional.of(new Previous(m.manifest(), Optional.ofNullable(config.labels().get("aptostree.inputhash"))));
        } catch (OstreeFormatException e) {
            if (target.transport() == ImageReference.Transport.REGISTRY) {
                return Optional.empty();
            }
            throw e;
        } catch (java.io.IOException e) {
            if (target.transport() == ImageReference.Transport.REGISTRY && e.getMessage() != null && e.getMessage().contains("HTTP 404")) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
