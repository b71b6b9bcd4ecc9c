package org.aptostree.cli.ostree;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.aptostree.daemon.container.DpkgContentMeta;
import org.aptostree.ostree.container.ContentMeta;
import org.aptostree.ostree.container.Encapsulator;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.oci.Digest;
import org.aptostree.ostree.oci.ImageManifest;
import org.aptostree.ostree.oci.ImageReference;
import org.aptostree.ostree.repo.Repository;

import picocli.CommandLine.Option;

/**
 * The options of {@code ostree container encapsulate} and rpm-ostree's {@code compose container-encapsulate}, and
 * the export they run: chunked by Debian source package when the commit has a dpkg database.
 */
public final class EncapsulateOptions {
    @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "Additional label for the image (repeatable).")
    List<String> labels = new ArrayList<>();

    @Option(names = "--cmd", paramLabel = "ARG", description = "The container's command, as a Containerfile's CMD (repeatable).")
    List<String> cmd;

    @Option(names = "--max-layers", paramLabel = "N", description = "Maximum number of package layers (default 64).")
    int maxLayers;

    @Option(names = "--copymeta", paramLabel = "KEY", description = "Copy this commit metadata key to a label; it must exist.")
    List<String> copyMeta = new ArrayList<>();

    @Option(names = "--copymeta-opt", paramLabel = "KEY", description = "Copy this commit metadata key to a label if present.")
    List<String> copyMetaOpt = new ArrayList<>();

    @Option(names = "--previous-build-manifest", paramLabel = "FILE",
            description = "Keep the layer grouping of this earlier image manifest, so unchanged packages keep their layers.")
    Path previousBuildManifest;

    @Option(names = "--authfile", paramLabel = "FILE", description = "Registry credentials (containers auth.json format).")
    Path authfile;

    /** The registry credentials file given, or null. */
    public Path authfile() {
        return authfile;
    }

    /** Exports {@code rev} to {@code dest}; prints and returns the manifest digest. */
    public Digest run(Repository repo, String rev, String dest, PrintWriter out) throws Exception {
        return run(repo, rev, dest, out, Optional.empty());
    }

    /** As {@link #run(Repository, String, String, PrintWriter)}, keeping the layer grouping of {@code prior} when given. */
    public Digest run(Repository repo, String rev, String dest, PrintWriter out, Optional<ImageManifest> prior) throws Exception {
        Map<String, String> labelMap = new LinkedHashMap<>();
        for (String kv : labels) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("Missing '=' in label " + kv);
            }
            labelMap.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        ObjectId commit = repo.resolveRev(rev);
        List<String> optKeys = new ArrayList<>(copyMetaOpt);
        if (!optKeys.contains("aptostree.inputhash")) {
            optKeys.add("aptostree.inputhash");
        }
        Encapsulator.Options opts = Encapsulator.Options.defaults().withLabels(labelMap).withCmd(cmd).withMaxLayers(maxLayers)
                .withCopyMeta(copyMeta, optKeys);
        Optional<ContentMeta> meta = DpkgContentMeta.of(repo, commit);
        if (meta.isPresent()) {
            opts = opts.withContentMeta(meta.get());
        }
        if (previousBuildManifest != null) {
            opts = opts.withPriorBuild(ImageManifest.parse(Files.readAllBytes(previousBuildManifest)));
        } else if (prior.isPresent()) {
            opts = opts.withPriorBuild(prior.get());
        }
        ImageReference ref = ImageReference.parse(dest);
        Digest digest = Encapsulator.encapsulate(repo, commit.hex(), ref, opts, ContainerRegistry.pusher(authfile));
        out.println(digest);
        out.flush();
        return digest;
    }
}
