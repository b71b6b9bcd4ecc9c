package org.aptostree.ostree.container;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;

import org.aptostree.openpgp.Keyring;
import org.aptostree.openpgp.Verification;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectType;
import org.aptostree.ostree.oci.Descriptor;
import org.aptostree.ostree.oci.Digest;
import org.aptostree.ostree.oci.ImageConfig;
import org.aptostree.ostree.oci.ImageManifest;
import org.aptostree.ostree.oci.ImageSource;
import org.aptostree.ostree.oci.MediaTypes;
import org.aptostree.ostree.oci.Platform;
import org.aptostree.ostree.repo.ObjectInserter;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.repo.WorkerPool;

/**
 * Imports ostree-container images into a repository, as ostree-ext's {@code store.rs}: the layers up to the one
 * whose diff_id is the {@code ostree.final-diffid} label are the commit layer (first) and chunk layers (object
 * sets), the rest are derived layers. Every blob is verified against its digest before any of it is used, and every
 * object against its checksum; the imported commit must be the one the {@code ostree.commit} label names and must be
 * complete.
 */
public final class ImageImporter {
    public static final String LAYER_REF_PREFIX = "ostree/container/blob";
    public static final String IMAGE_REF_PREFIX = "ostree/container/image";
    /** A layer that inflates more than this many times its compressed size is taken for a decompression bomb. */
    static final long MAX_EXPANSION = 100;
    /** ... once past this size, so that small layers of zeros are no trouble. */
    static final long EXPANSION_FLOOR = 512L << 20;

    private ImageImporter() {
    }

    /** Which layers carry the commit and its chunks, and which were added on top. */
    public record Layout(Descriptor ostreeLayer, List<Descriptor> chunkLayers, List<Descriptor> derivedLayers) {
    }

    /** ostree-ext's {@code parse_manifest_layout}; without the label every layer counts as derived. */
    public static Layout layout(ImageManifest manifest, ImageConfig config) throws OstreeFormatException {
        if (manifest.layers().isEmpty()) {
            throw new OstreeFormatException("No layers in manifest");
        }
        String target = config.labels().get(Encapsulator.LABEL_FINAL_DIFFID);
        if (target == null) {
            return new Layout(null, List.of(), manifest.layers());
        }
        List<Digest> diffIds = config.diffIds();
        int idx = diffIds.indexOf(Digest.parse(target));
        if (idx < 0) {
            throw new OstreeFormatException("Missing " + Encapsulator.LABEL_FINAL_DIFFID + " " + target + " among the diff_ids");
        }
        if (idx >= manifest.layers().size()) {
            throw new OstreeFormatException("diffid position " + idx + " exceeds layer count " + manifest.layers().size());
        }
        List<Descriptor> chunks = new ArrayList<>(manifest.layers().subList(1, idx + 1));
        List<Descriptor> derived = new ArrayList<>(manifest.layers().subList(idx + 1, manifest.layers().size()));
        return new Layout(manifest.layers().get(0), chunks, derived);
    }

    /** The commit an image carries, imported, and the manifest digest. */
    public record Unencapsulated(ObjectId commit, Digest manifestDigest) {
    }

    /** {@code ostree container unencapsulate}: the image's commit, exactly, into {@code repo}; no refs are written. */
    public static Unencapsulated unencapsulate(Repository repo, ImageSource source) throws IOException, OstreeFormatException {
        return unencapsulate(repo, source, null);
    }

    /**
     * As {@link #unencapsulate(Repository, ImageSource)}; for an {@code ostree-remote-image:} reference the commit must
     * carry a good signature by one of that remote's keys.
     */
    public static Unencapsulated unencapsulate(Repository repo, OstreeImageReference ref, ImageSource source)
            throws IOException, OstreeFormatException {
        return unencapsulate(repo, source, ref.ostreeRemote().isPresent() ? ImageStore.keyring(repo, ref.ostreeRemote().get()) : null);
    }

    private static Unencapsulated unencapsulate(Repository repo, ImageSource source, Keyring keyring) throws IOException, OstreeFormatException {
        ImageSource.Fetched m = source.manifest(Platform.host());
        ImageConfig config = ImageConfig.parse(source.readBlob(m.manifest().config(), ImageConfig.MAX_SIZE));
        Layout l = layout(m.manifest(), config);
        if (l.ostreeLayer() == null) {
            throw new OstreeFormatException("No " + Encapsulator.LABEL_FINAL_DIFFID + " label found, not an ostree encapsulated container");
        }
        if (!l.derivedLayers().isEmpty()) {
            throw new OstreeFormatException("Image has " + l.derivedLayers().size() + " non-ostree layers");
        }
        try (WorkerPool pool = layerPool()) {
            Base base = importBase(repo, source, l, config, false, keyring, pool, message -> { });
            return new Unencapsulated(base.commit(), m.digest());
        }
    }

    /** Threads for layers: each decompresses and hashes one layer; layers are independent until they are merged. */
    static WorkerPool layerPool() {
        return new WorkerPool("ostree-container-layer", Runtime.getRuntime().availableProcessors());
    }

    /** The imported commit of an image's ostree layers, its good signatures (if checked), and what was fetched. */
    record Base(ObjectId commit, Verification verification, int fetched, long bytes) {
    }

    /**
     * Imports the chunk layers (object sets) and the commit layer; with {@code writeRefs} each layer's commit gets
     * its {@code ostree/container/blob/…} ref and layers already there are not fetched again.
     */
    static Base importBase(Repository repo, ImageSource source, Layout l, ImageConfig config, boolean writeRefs, Keyring keyring,
            WorkerPool pool, Consumer<String> log) throws IOException, OstreeFormatException {
        Path tmp = repo.path().resolve("tmp");
        try (ObjectInserter inserter = repo.newInserter()) {
            List<Future<ObjectId>> chunks = new ArrayList<>();
            int fetched = 0;
            long bytes = 0;
            for (Descriptor d : l.chunkLayers()) {
                Optional<ObjectId> have = writeRefs ? repo.refs().resolve(layerRef(d.digest())) : Optional.empty();
                if (have.isPresent()) {
                    chunks.add(CompletableFuture.completedFuture(have.get()));
                    continue;
                }
                fetched++;
                bytes += d.size();
                chunks.add(pool.submit(() -> {
                    log.accept("Fetching ostree chunk " + d.digest() + " (" + d.size() + " bytes)");
                    TarImporter imp = new TarImporter(repo, inserter, TarImporter.Mode.OBJECT_SET, source.describe() + " layer " + d.digest());
                    importLayer(source, d, tmp, imp);
                    return imp.finishObjectSet();
                }));
            }
            Descriptor ostree = l.ostreeLayer();
            Optional<ObjectId> haveCommit = writeRefs ? repo.refs().resolve(layerRef(ostree.digest())) : Optional.empty();
            Future<ObjectId> commitFuture;
            TarImporter commitImporter = new TarImporter(repo, inserter, TarImporter.Mode.COMMIT, source.describe() + " layer "
                    + ostree.digest(), keyring);
            if (haveCommit.isPresent()) {
                commitFuture = CompletableFuture.completedFuture(haveCommit.get());
            } else {
                fetched++;
                bytes += ostree.size();
                commitFuture = pool.submit(() -> {
                    log.accept("Fetching ostree commit layer " + ostree.digest() + " (" + ostree.size() + " bytes)");
                    return importLayer(source, ostree, tmp, commitImporter);
                });
            }
            List<ObjectId> chunkCommits = new ArrayList<>();
            for (Future<ObjectId> f : chunks) {
                chunkCommits.add(WorkerPool.join(f));
            }
            ObjectId commit = WorkerPool.join(commitFuture);
            String label = config.labels().get(Encapsulator.LABEL_COMMIT);
            if (label != null && !label.equals(commit.hex())) {
                throw new OstreeFormatException("the image's commit layer holds commit " + commit + " but its " + Encapsulator.LABEL_COMMIT
                        + " label names " + label);
            }
            checkComplete(repo, commit);
            inserter.commit();
            if (writeRefs) {
                for (int i = 0; i < chunkCommits.size(); i++) {
                    repo.refs().set(layerRef(l.chunkLayers().get(i).digest()), chunkCommits.get(i));
                }
                repo.refs().set(layerRef(ostree.digest()), commit);
            }
            return new Base(commit, commitImporter.verification(), fetched, bytes);
        }
    }

    /**
     * Imports one uncompressed layer tar: in commit mode (the commit layer) it returns the commit, otherwise (a
     * chunk layer) the synthetic commit of its objects. Objects are durable when this returns.
     */
    public static ObjectId importLayerTar(Repository repo, InputStream tar, boolean commitLayer, String where)
            throws IOException, OstreeFormatException {
        try (ObjectInserter inserter = repo.newInserter()) {
            TarImporter imp = new TarImporter(repo, inserter, commitLayer ? TarImporter.Mode.COMMIT : TarImporter.Mode.OBJECT_SET, where);
            ObjectId commit = imp.importTar(tar);
            ObjectId result = commitLayer ? commit : imp.finishObjectSet();
            inserter.commit();
            return result;
        }
    }

    /**
     * Stores an uncompressed derived (non-ostree) layer tar as a commit and lays it over an empty tree with the
     * whiteout rules, as an image pull does; returns the layer's commit. Objects are durable when this returns.
     */
    public static ObjectId importDerivedLayerTar(Repository repo, InputStream tar, String where) throws IOException, OstreeFormatException {
        try (ObjectInserter inserter = repo.newInserter(); WorkerPool content = WorkerPool.perCore("ostree-container-content")) {
            ObjectId layer = DerivedLayer.write(repo, inserter, content, tar, false, ImageStore.IMPORTER_VERSION, where).commit();
            LayerMerge.merge(repo, Optional.empty(), List.of(layer)).write(inserter);
            inserter.commit();
            return layer;
        }
    }

    static String layerRef(Digest d) {
        return RefEscape.escape(LAYER_REF_PREFIX, d.toString());
    }

    /** Verifies the blob, then reads its tar (gzip or plain) into the importer. */
    private static ObjectId importLayer(ImageSource source, Descriptor d, Path tmp, TarImporter imp) throws IOException, OstreeFormatException {
        return readLayer(source, d, tmp, imp::importTar);
    }

    /** What is done with a layer's uncompressed tar stream. */
    @FunctionalInterface
    interface LayerReader<T> {
        T read(InputStream tar) throws IOException, OstreeFormatException;
    }

    /** Fetches and verifies a layer blob, then gives its uncompressed tar to {@code reader}; a fetched copy is removed. */
    static <T> T readLayer(ImageSource source, Descriptor d, Path tmp, LayerReader<T> reader) throws IOException, OstreeFormatException {
        try (ImageSource.VerifiedBlob blob = source.fetchVerified(d, tmp);
             InputStream raw = new BufferedInputStream(blob.open(), 1 << 16);
             InputStream tar = decompress(d, raw)) {
            T result = reader.read(tar);
            // Whatever follows the tar's end (padding, zstd skippable frames) is read so a bad stream still fails.
            tar.transferTo(java.io.OutputStream.nullOutputStream());
            return result;
        }
    }

    static InputStream decompress(Descriptor d, InputStream raw) throws IOException, OstreeFormatException {
        String t = d.mediaType();
        InputStream out;
        if (t.equals(MediaTypes.OCI_LAYER_GZIP) || t.equals(MediaTypes.DOCKER_LAYER_GZIP)) {
            try {
                out = new GZIPInputStream(raw, 1 << 16);
            } catch (java.util.zip.ZipException e) {
                throw new OstreeFormatException("layer " + d.digest() + " is not gzip: " + e.getMessage());
            }
        } else if (t.equals(MediaTypes.OCI_LAYER_ZSTD) || t.equals(MediaTypes.DOCKER_LAYER_ZSTD)) {
            try {
                out = new ZstdInputStreamNoFinalizer(raw);
            } catch (IOException e) {
                throw new OstreeFormatException("layer " + d.digest() + " is not zstd: " + e.getMessage());
            }
        } else if (t.equals(MediaTypes.OCI_LAYER_TAR) || t.equals(MediaTypes.DOCKER_LAYER_TAR)) {
            out = raw;
        } else {
            throw new OstreeFormatException("unsupported layer media type " + t + " (" + d.digest() + ")");
        }
        long limit = Math.max(EXPANSION_FLOOR, d.size() * MAX_EXPANSION);
        return new BoundedExpansion(out, limit, d.digest());
    }

    /** Fails a layer whose uncompressed stream grows past its limit: a decompression bomb. */
    private static final class BoundedExpansion extends FilterInputStream {
        private final long limit;
        private final Digest digest;
        private long count;

        BoundedExpansion(InputStream in, long limit, Digest digest) {
            super(in);
            this.limit = limit;
            this.digest = digest;
        }

        @Override
        public int read() throws IOException {
            byte[] b = new byte[1];
            return read(b, 0, 1) < 0 ? -1 : b[0] & 0xFF;
        }

        /** Skipping reads, so that skipped bytes count towards the limit too. */
        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[8192];
            long done = 0;
            while (done < n) {
                int k = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (k < 0) {
                    break;
                }
                done += k;
            }
            return done;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (java.util.zip.ZipException | com.github.luben.zstd.ZstdIOException e) {
                throw new IOException("layer " + digest + ": corrupt compressed data: " + e.getMessage(), e);
            }
            if (n > 0) {
                count += n;
                if (count > limit) {
                    throw new IOException("layer " + digest + " expands to more than " + limit
                            + " bytes (over " + MAX_EXPANSION + " times its compressed size): refusing a decompression bomb");
                }
            }
            return n;
        }
    }

    /** Every object the commit reaches is in the repository (chunk layers must have brought the content). */
    static void checkComplete(Repository repo, ObjectId commitId) throws IOException, OstreeFormatException {
        Commit c = repo.readCommit(commitId);
        if (!repo.has(c.rootMeta(), ObjectType.DIR_META)) {
            throw new OstreeFormatException("imported commit " + commitId + " lacks its root dirmeta " + c.rootMeta());
        }
        checkTree(repo, c.rootTree(), "/", new java.util.HashSet<>());
    }

    private static void checkTree(Repository repo, ObjectId tree, String path, java.util.Set<ObjectId> seen) throws IOException, OstreeFormatException {
        if (!seen.add(tree)) {
            return;
        }
        if (!repo.has(tree, ObjectType.DIR_TREE)) {
            throw new OstreeFormatException("imported commit is incomplete: no dirtree " + tree + " for " + path);
        }
        DirTree t = repo.readDirTree(tree);
        for (DirTree.FileEntry f : t.files()) {
            if (!repo.has(f.content(), ObjectType.FILE)) {
                throw new OstreeFormatException("imported commit is incomplete: no content object " + f.content() + " for " + path + f.name());
            }
        }
        for (DirTree.DirEntry d : t.dirs()) {
            if (!repo.has(d.meta(), ObjectType.DIR_META)) {
                throw new OstreeFormatException("imported commit is incomplete: no dirmeta " + d.meta() + " for " + path + d.name());
            }
            checkTree(repo, d.tree(), path + d.name() + "/", seen);
        }
    }

}
