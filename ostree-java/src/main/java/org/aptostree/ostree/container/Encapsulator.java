package org.aptostree.ostree.container;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Future;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.gvariant.Variant;
import org.aptostree.ostree.gvariant.VariantDict;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.oci.Descriptor;
import org.aptostree.ostree.oci.Digest;
import org.aptostree.ostree.oci.ImageConfig;
import org.aptostree.ostree.oci.ImageManifest;
import org.aptostree.ostree.oci.ImageReference;
import org.aptostree.ostree.oci.OciArchive;
import org.aptostree.ostree.oci.MediaTypes;
import org.aptostree.ostree.oci.OciLayout;
import org.aptostree.ostree.oci.Platform;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.repo.WorkerPool;

/**
 * Builds an OCI image from an OSTree commit in ostree-ext's container format: the commit layer first, then one
 * layer per chunk (per package group when {@link Options#contentMeta} is given), the labels in both the config
 * and the manifest annotations, {@code created} and the history from the commit. The layers are compressed on all
 * cores; the output depends only on the commit and the options.
 */
public final class Encapsulator {
    public static final String LABEL_COMMIT = "ostree.commit";
    public static final String LABEL_FINAL_DIFFID = "ostree.final-diffid";
    public static final String LABEL_VERSION = "org.opencontainers.image.version";
    public static final String LABEL_BOOTABLE = "ostree.bootable";
    public static final String LABEL_BOOTC = "containers.bootc";
    public static final String LABEL_LINUX = "ostree.linux";
    /** Commit metadata holding the container's default command ({@code as}). */
    public static final String META_CONTAINER_CMD = "ostree.container-cmd";
    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private Encapsulator() {
    }

    /**
     * What to build. {@code maxLayers} 0 means ostree-ext's default (64 chunks); {@code threads} 0 means one per core.
     */
    public record Options(Map<String, String> labels, Optional<List<String>> cmd, int maxLayers, List<String> copyMetaKeys,
            List<String> copyMetaOptKeys, Optional<ContentMeta> contentMeta, Optional<ImageManifest> priorBuild,
            Optional<String> created, Optional<Platform> platform, int compressionLevel, int threads) {
        public Options {
            labels = Map.copyOf(labels);
            copyMetaKeys = List.copyOf(copyMetaKeys);
            copyMetaOptKeys = List.copyOf(copyMetaOptKeys);
        }

        public static Options defaults() {
            return new Options(Map.of(), Optional.empty(), 0, List.of(), List.of(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), 6, 0);
        }

        public Options withLabels(Map<String, String> l) {
            return new Options(l, cmd, maxLayers, copyMetaKeys, copyMetaOptKeys, contentMeta, priorBuild, created, platform, compressionLevel, threads);
        }

        public Options withCmd(List<String> c) {
            return new Options(labels, Optional.ofNullable(c), maxLayers, copyMetaKeys, copyMetaOptKeys, contentMeta, priorBuild, created, platform, compressionLevel, threads);
        }

        public Options withMaxLayers(int m) {
            return new Options(labels, cmd, m, copyMetaKeys, copyMetaOptKeys, contentMeta, priorBuild, created, platform, compressionLevel, threads);
        }

        public Options withCopyMeta(List<String> required, List<String> optional) {
            return new Options(labels, cmd, maxLayers, required, optional, contentMeta, priorBuild, created, platform, compressionLevel, threads);
        }

        public Options withContentMeta(ContentMeta m) {
            return new Options(labels, cmd, maxLayers, copyMetaKeys, copyMetaOptKeys, Optional.ofNullable(m), priorBuild, created, platform, compressionLevel, threads);
        }

        public Options withPriorBuild(ImageManifest m) {
            return new Options(labels, cmd, maxLayers, copyMetaKeys, copyMetaOptKeys, contentMeta, Optional.ofNullable(m), created, platform, compressionLevel, threads);
        }

        public Options withPlatform(Platform p) {
            return new Options(labels, cmd, maxLayers, copyMetaKeys, copyMetaOptKeys, contentMeta, priorBuild, created, Optional.ofNullable(p), compressionLevel, threads);
        }

        public Options withThreads(int t) {
            return new Options(labels, cmd, maxLayers, copyMetaKeys, copyMetaOptKeys, contentMeta, priorBuild, created, platform, compressionLevel, t);
        }
    }

    /** The image written: its manifest (as stored, with its descriptor) and configuration. */
    public record Image(Descriptor manifestDescriptor, ImageManifest manifest, ImageConfig config, Platform platform) {
    }

    private record Layer(Descriptor blob, Digest diffId) {
    }

    /** Builds the image of {@code rev} into {@code layout}'s blobs; the caller records the manifest where it wants. */
    public static Image build(Repository repo, String rev, OciLayout layout, Options opts) throws IOException, OstreeFormatException {
        ObjectId commitId = repo.resolveRev(rev);
        Commit commit = repo.readCommit(commitId);
        VariantDict meta = commit.metadata();
        String created = opts.created().orElse(CREATED.format(Instant.ofEpochSecond(commit.timestamp())));
        String historyCreated = created.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ") ? created
                : CREATED.format(java.time.OffsetDateTime.parse(created).toInstant());

        Map<String, String> labels = new LinkedHashMap<>();
        for (String k : opts.copyMetaKeys()) {
            labels.put(k, meta.getString(k).orElseThrow(() -> new IOException("Could not find commit metadata key: " + k)));
        }
        for (String k : opts.copyMetaOptKeys()) {
            meta.getString(k).ifPresent(v -> labels.put(k, v));
        }
        Optional<Variant> bootable = meta.get(LABEL_BOOTABLE).filter(v -> v.type().signature().equals("b"));
        if (bootable.isPresent()) {
            labels.put(LABEL_BOOTABLE, bootable.get().value().toString());
            labels.put(LABEL_BOOTC, "1");
        }
        meta.getString(LABEL_LINUX).ifPresent(v -> labels.put(LABEL_LINUX, v));
        meta.getString("version").ifPresent(v -> labels.put(LABEL_VERSION, v));
        labels.put(LABEL_COMMIT, commitId.hex());
        labels.putAll(opts.labels());

        CommitContent content = CommitContent.of(repo, commitId);
        Chunking chunking = opts.contentMeta().isPresent()
                ? Chunking.of(repo, content, opts.contentMeta().get(), opts.maxLayers(), opts.priorBuild())
                : Chunking.single(content);

        // Every layer is compressed by its own task, the largest first so that the cores finish together.
        List<Future<Layer>> chunkLayers = new ArrayList<>();
        Future<Layer> finalLayer;
        int threads = opts.threads() > 0 ? opts.threads() : Runtime.getRuntime().availableProcessors();
        try (WorkerPool pool = new WorkerPool("ostree-container-layer", threads)) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < chunking.chunks.size(); i++) {
                order.add(i);
            }
            order.sort(Comparator.comparingLong((Integer i) -> -size(chunking.chunks.get(i).objects())));
            Map<Integer, Future<Layer>> byIndex = new TreeMap<>();
            long remainderSize = size(chunking.remainder);
            boolean finalFirst = chunking.chunks.isEmpty() || remainderSize >= size(chunking.chunks.get(order.get(0)).objects());
            Future<Layer> fin = null;
            if (finalFirst) {
                fin = pool.submit(() -> writeLayer(layout, opts.compressionLevel(),
                        out -> OstreeTarExport.writeFinal(repo, commitId, chunking.remainder, out)));
            }
            for (int i : order) {
                Chunking.Chunk c = chunking.chunks.get(i);
                byIndex.put(i, pool.submit(() -> writeLayer(layout, opts.compressionLevel(),
                        out -> OstreeTarExport.writeChunk(repo, commitId, c.objects(), out))));
            }
            if (!finalFirst) {
                fin = pool.submit(() -> writeLayer(layout, opts.compressionLevel(),
                        out -> OstreeTarExport.writeFinal(repo, commitId, chunking.remainder, out)));
            }
            finalLayer = fin;
            chunkLayers.addAll(byIndex.values());
            Layer ostreeLayer = WorkerPool.join(finalLayer);
            List<Layer> layers = new ArrayList<>();
            for (Future<Layer> f : chunkLayers) {
                layers.add(WorkerPool.join(f));
            }
            Digest lastDiffId = layers.isEmpty() ? ostreeLayer.diffId() : layers.get(layers.size() - 1).diffId();
            labels.put(LABEL_FINAL_DIFFID, lastDiffId.toString());

            List<String> cmd = opts.cmd().orElse(null);
            if (cmd == null) {
                Optional<Variant> c = meta.get(META_CONTAINER_CMD).filter(v -> v.type().signature().equals("as"));
                if (c.isPresent()) {
                    cmd = new ArrayList<>();
                    for (Object o : (List<?>) c.get().value()) {
                        cmd.add((String) o);
                    }
                }
            }
            Platform platform = opts.platform().orElseGet(() -> platformOf(meta));
            ImageConfig config = ImageConfig.create(platform, created, cmd, labels);
            List<Descriptor> manifestLayers = new ArrayList<>();
            String description = commit.subject().isEmpty() ? "ostree export of commit " + commitId.hex() : commit.subject();
            config.addLayer(ostreeLayer.diffId(), historyCreated, description);
            manifestLayers.add(ostreeLayer.blob());
            for (int i = 0; i < layers.size(); i++) {
                Chunking.Chunk c = chunking.chunks.get(i);
                List<String> packages = new ArrayList<>(c.packages());
                packages.sort(null);
                config.addLayer(layers.get(i).diffId(), historyCreated, c.name());
                manifestLayers.add(layers.get(i).blob().withAnnotations(Map.of(Chunking.COMPONENTS_ANNOTATION, String.join(",", packages))));
            }
            Descriptor configDesc = layout.writeBlob(config.canonicalBytes(), MediaTypes.OCI_CONFIG);
            ImageManifest manifest = new ImageManifest(MediaTypes.OCI_MANIFEST, configDesc, manifestLayers, labels);
            Descriptor manifestDesc = layout.writeBlob(manifest.canonicalBytes(), MediaTypes.OCI_MANIFEST).withPlatform(platform);
            return new Image(manifestDesc, manifest, config, platform);
        }
    }

    /**
     * Builds the image of {@code rev} and stores it at {@code dest}: an {@code oci:} directory (tagged or as its
     * only manifest, as ostree-ext does), an {@code oci-archive:} file, or a registry through {@code push}.
     * Returns the manifest digest.
     */
    public static Digest encapsulate(Repository repo, String rev, ImageReference dest, Options opts, RegistryPush push)
            throws IOException, OstreeFormatException {
        switch (dest.transport()) {
            case OCI_DIR -> {
                OciLayout layout = OciLayout.create(dest.localPath());
                Image image = build(repo, rev, layout, opts);
                layout.putManifest(image.manifestDescriptor(), dest.localTag());
                return image.manifestDescriptor().digest();
            }
            case OCI_ARCHIVE -> {
                Path file = dest.localPath().toAbsolutePath();
                Path tmp = Files.createTempDirectory(file.getParent(), "." + file.getFileName() + ".layout-");
                try {
                    OciLayout layout = OciLayout.create(tmp);
                    Image image = build(repo, rev, layout, opts);
                    layout.putManifest(image.manifestDescriptor(), dest.localTag());
                    OciArchive.write(layout, file);
                    return image.manifestDescriptor().digest();
                } finally {
                    deleteTree(tmp);
                }
            }
            default -> {
                if (push == null) {
                    throw new IOException("pushing to " + dest + " needs a registry client");
                }
                Path tmp = Files.createTempDirectory("apt-ostree-encapsulate-");
                try {
                    OciLayout layout = OciLayout.create(tmp);
                    Image image = build(repo, rev, layout, opts);
                    return push.push(layout, image.manifestDescriptor(), dest);
                } finally {
                    deleteTree(tmp);
                }
            }
        }
    }

    /** Uploads an image of a layout to a registry; returns the manifest digest. */
    @FunctionalInterface
    public interface RegistryPush {
        Digest push(OciLayout layout, Descriptor manifest, ImageReference dest) throws IOException, OstreeFormatException;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The platform of the commit's packages (the first that is not {@code all}), else this machine's. */
    static Platform platformOf(VariantDict meta) {
        Optional<Variant> packages = meta.get("aptostree.packages").filter(v -> v.type().signature().equals("a(sss)"));
        if (packages.isPresent()) {
            for (Object o : (List<?>) packages.get().value()) {
                String arch = (String) ((List<?>) o).get(2);
                if (!arch.equals("all")) {
                    return Platform.fromDebianArchitecture(arch);
                }
            }
        }
        return Platform.host();
    }

    private static long size(Map<ObjectId, CommitContent.Paths> objects) {
        long s = 0;
        for (CommitContent.Paths p : objects.values()) {
            s += p.size;
        }
        return s;
    }

    @FunctionalInterface
    private interface TarBody {
        void write(OutputStream out) throws IOException, OstreeFormatException;
    }

    private static Layer writeLayer(OciLayout layout, int level, TarBody body) throws IOException, OstreeFormatException {
        OciLayout.BlobWriter blob = layout.newBlob();
        GzipLayerStream gz = null;
        try {
            gz = new GzipLayerStream(blob, level);
            BufferedOutputStream buffered = new BufferedOutputStream(gz, 256 * 1024);
            body.write(buffered);
            buffered.flush();
            Digest diffId = gz.finish();
            Digest digest = blob.complete();
            return new Layer(new Descriptor(MediaTypes.OCI_LAYER_GZIP, digest, blob.size()), diffId);
        } catch (IOException | OstreeFormatException | RuntimeException e) {
            if (gz != null) {
                gz.abandon();
            }
            blob.abort();
            throw e;
        }
    }
}
