package org.aptostree.ostree.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import org.aptostree.openpgp.Keyring;
import org.aptostree.openpgp.Verification;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.gvariant.Variant;
import org.aptostree.ostree.gvariant.VariantDict;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectType;
import org.aptostree.ostree.oci.Descriptor;
import org.aptostree.ostree.oci.Digest;
import org.aptostree.ostree.oci.ImageConfig;
import org.aptostree.ostree.oci.ImageManifest;
import org.aptostree.ostree.oci.ImageReference;
import org.aptostree.ostree.oci.ImageSource;
import org.aptostree.ostree.oci.Platform;
import org.aptostree.ostree.repo.ContentObject;
import org.aptostree.ostree.repo.KeyFile;
import org.aptostree.ostree.repo.ObjectInserter;
import org.aptostree.ostree.repo.Remote;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.repo.TreeEntry;
import org.aptostree.ostree.repo.WorkerPool;

/**
 * Container images stored in a repository, as ostree-ext's {@code container::store} keeps them: every layer is a
 * commit under {@code ostree/container/blob/<escaped digest>} (so an update fetches only the layers it does not have),
 * and the image is a merge commit under {@code ostree/container/image/<escaped image reference>}: the base commit's
 * tree with the derived layers laid over it, whose parent is the base commit and whose metadata holds
 * {@code ostree.manifest-digest}, {@code ostree.manifest} and {@code ostree.container.image-config} (canonical JSON)
 * and {@code ostree.importer.version}.
 */
public final class ImageStore {
    public static final String META_MANIFEST_DIGEST = "ostree.manifest-digest";
    public static final String META_MANIFEST = "ostree.manifest";
    public static final String META_CONFIG = "ostree.container.image-config";
    public static final String META_IMPORTER_VERSION = DerivedLayer.IMPORTER_VERSION_KEY;
    /** What this importer writes as {@code ostree.importer.version} (ostree-ext writes its crate version). */
    public static final String IMPORTER_VERSION = "apt-ostree 0.1.0";
    /** The manifest annotation a merge commit takes its time from, before the configuration's {@code created}. */
    private static final String ANNOTATION_CREATED = "org.opencontainers.image.created";
    /**
     * Refs of deployments ({@code ostree/0/…}, {@code ostree/1/…}), of the bases of layered deployments
     * ({@code aptostree/base/…}, as ostree-ext spares rpm-ostree's {@code rpmostree/base}) and of protected base images:
     * the layers of the images their commits are stay when layers are pruned.
     */
    private static final List<String> KEEPING_REFS = List.of("ostree/0/", "ostree/1/", "aptostree/base/", "ostree/container/baseimage/");

    private ImageStore() {
    }

    /**
     * An image as stored: its merge commit, the base commit under it (empty if its layer ref is gone), the manifest
     * (with its digest) and the configuration.
     */
    public record ImageState(ObjectId mergeCommit, Optional<ObjectId> baseCommit, Digest manifestDigest, ImageManifest manifest,
            ImageConfig config) {
        /** The image's version label ({@code org.opencontainers.image.version}, or the older {@code version}). */
        public Optional<String> version() {
            try {
                Map<String, String> labels = config.labels();
                return Optional.ofNullable(labels.getOrDefault(Encapsulator.LABEL_VERSION, labels.get("version")));
            } catch (OstreeFormatException e) {
                return Optional.empty();
            }
        }
    }

    /**
     * How to pull.
     *
     * @param requireBootable refuse an image without the {@code ostree.bootable} or {@code containers.bootc} label, or
     *                        for another architecture (for deployments)
     * @param offline         contact nothing: the stored image, or an error
     * @param writeImageRef   write the image's ref (off: only the layer refs, to pre-fetch)
     * @param target          the reference to store the image under, when it is not the one pulled from
     * @param pruneLayers     afterwards, drop the refs of layers no image or deployment uses
     * @param log             progress messages
     */
    public record Options(boolean requireBootable, boolean offline, boolean writeImageRef, Optional<ImageReference> target,
            boolean pruneLayers, Consumer<String> log) {
        public static Options defaults() {
            return new Options(false, false, true, Optional.empty(), true, m -> { });
        }

        public Options withRequireBootable(boolean b) {
            return new Options(b, offline, writeImageRef, target, pruneLayers, log);
        }

        public Options withOffline(boolean b) {
            return new Options(requireBootable, b, writeImageRef, target, pruneLayers, log);
        }

        public Options withImageRef(boolean b) {
            return new Options(requireBootable, offline, b, target, pruneLayers, log);
        }

        public Options withTarget(Optional<ImageReference> t) {
            return new Options(requireBootable, offline, writeImageRef, t, pruneLayers, log);
        }

        public Options withPruneLayers(boolean b) {
            return new Options(requireBootable, offline, writeImageRef, target, b, log);
        }

        public Options withLog(Consumer<String> l) {
            return new Options(requireBootable, offline, writeImageRef, target, pruneLayers, l);
        }
    }

    /**
     * What a pull did.
     *
     * @param state          the image as stored now
     * @param changed        false when the stored image already had this manifest (or configuration)
     * @param layersPresent  layers already stored
     * @param layersFetched  layers downloaded
     * @param bytesFetched   their compressed size
     * @param filtered       paths of derived layers left out, by top-level name
     * @param signers        the keys whose signatures on the base commit were good (with an ostree remote)
     */
    public record Pulled(ImageState state, boolean changed, int layersPresent, int layersFetched, long bytesFetched,
            SortedMap<String, Integer> filtered, List<String> signers) {
        /** ostree-ext's warning about paths an image has that an ostree system cannot hold, or empty. */
        public Optional<String> filteredWarning() {
            if (filtered.isEmpty()) {
                return Optional.empty();
            }
            StringBuilder b = new StringBuilder("Image contains non-ostree compatible file paths:");
            filtered.forEach((k, v) -> b.append(' ').append(k).append(": ").append(v));
            return Optional.of(b.toString());
        }
    }

    /** Opens the image's source (registries with credentials from {@code authfile} or the auth files) and pulls it. */
    public static Pulled pull(Repository repo, OstreeImageReference ref, Path authfile, Options options) throws IOException, OstreeFormatException {
        if (options.offline()) {
            return offline(repo, options.target().orElse(ref.image()));
        }
        try (ImageSource source = ImageSource.open(ref.image(), repo.path().resolve("tmp"), authfile)) {
            return pull(repo, ref, source, options);
        }
    }

    /**
     * Pulls an image: fetches the manifest and configuration, the layers that are not stored yet (verified against
     * their digests, the commit against the ostree remote's keys for an {@code ostree-remote-image:} reference), and
     * writes the merge commit and the refs.
     */
    public static Pulled pull(Repository repo, OstreeImageReference ref, ImageSource source, Options options)
            throws IOException, OstreeFormatException {
        ImageReference target = options.target().orElse(ref.image());
        Optional<ImageState> previous = query(repo, target);
        if (options.offline()) {
            return offline(repo, target);
        }
        ImageSource.Fetched m = source.manifest(Platform.host());
        if (previous.isPresent() && (previous.get().manifestDigest().equals(m.digest())
                || previous.get().manifest().config().digest().equals(m.manifest().config().digest()))) {
            if (options.requireBootable()) {
                requireBootable(previous.get().config(), source.describe());
            }
            return new Pulled(previous.get(), false, m.manifest().layers().size(), 0, 0, new TreeMap<>(), List.of());
        }
        ImageConfig config = ImageConfig.parse(source.readBlob(m.manifest().config(), ImageConfig.MAX_SIZE));
        if (options.requireBootable()) {
            requireBootable(config, source.describe());
        }
        ImageImporter.Layout layout = ImageImporter.layout(m.manifest(), config);
        Keyring keyring = ref.ostreeRemote().isPresent() ? keyring(repo, ref.ostreeRemote().get()) : null;

        int present = 0;
        long needed = 0;
        for (Descriptor d : m.manifest().layers()) {
            if (repo.refs().resolve(ImageImporter.layerRef(d.digest())).isPresent()) {
                present++;
            } else {
                needed += d.size();
            }
        }
        int toFetch = m.manifest().layers().size() - present;
        if (toFetch > 0) {
            options.log().accept("layers already present: " + present + "; layers needed: " + toFetch + " (" + needed + " bytes)");
        }

        ObjectId base = null;
        Verification verification = null;
        SortedMap<String, Integer> filtered = new TreeMap<>();
        ObjectId merge;
        try (WorkerPool layers = ImageImporter.layerPool(); WorkerPool content = WorkerPool.perCore("ostree-container-content")) {
            if (layout.ostreeLayer() != null) {
                ImageImporter.Base b = ImageImporter.importBase(repo, source, layout, config, true, keyring, layers, options.log());
                base = b.commit();
                verification = b.verification();
            }
            boolean allowNonUsr = base != null && transientRoot(repo, base);
            List<ObjectId> derivedCommits = importDerived(repo, source, layout.derivedLayers(), allowNonUsr, layers, content, options.log(),
                    filtered);
            Commit baseCommit = base == null ? null : repo.readCommit(base);
            merge = writeMerge(repo, Optional.ofNullable(baseCommit), base, derivedCommits, m, config);
        }
        if (options.writeImageRef()) {
            repo.refs().set(imageRef(target), merge);
        }
        if (options.pruneLayers()) {
            pruneLayers(repo);
        }
        ImageState state = new ImageState(merge, Optional.ofNullable(base), m.digest(), m.manifest(), config);
        return new Pulled(state, true, present, toFetch, needed, filtered,
                verification == null ? List.of() : verification.goodSigners());
    }

    private static Pulled offline(Repository repo, ImageReference target) throws IOException, OstreeFormatException {
        ImageState state = query(repo, target).orElseThrow(() -> new IOException("Manifest fetch required in offline mode: no image "
                + target + " is stored"));
        return new Pulled(state, false, state.manifest().layers().size(), 0, 0, new TreeMap<>(), List.of());
    }

    private static void requireBootable(ImageConfig config, String where) throws OstreeFormatException {
        Map<String, String> labels = config.labels();
        if (!labels.containsKey(Encapsulator.LABEL_BOOTABLE) && !labels.containsKey(Encapsulator.LABEL_BOOTC)) {
            throw new OstreeFormatException("Target image " + where + " does not have " + Encapsulator.LABEL_BOOTABLE + " label");
        }
        String arch = config.architecture();
        String host = Platform.host().architecture();
        if (!host.equals(arch)) {
            throw new OstreeFormatException("Image " + where + " has architecture " + arch + "; expected " + host);
        }
    }

    static Keyring keyring(Repository repo, String remoteName) throws IOException {
        Remote remote = repo.remote(remoteName).orElseThrow(() -> new IOException("Remote \"" + remoteName
                + "\" not found: an ostree-remote-image: reference verifies the commit with that remote's keys"));
        List<Path> files = remote.keyringFiles(repo);
        if (files.isEmpty()) {
            throw new IOException("Remote \"" + remoteName + "\" has no keys (gpgkeypath or an imported keyring) to verify the image's commit with");
        }
        return Keyring.load(files);
    }

    /** Whether the base's root is an overlay (prepare-root.conf): then derived layers may add any top-level path. */
    private static boolean transientRoot(Repository repo, ObjectId base) throws IOException, OstreeFormatException {
        Optional<TreeEntry> conf = repo.lookup(base, PrepareRootConf.PATH);
        if (conf.isEmpty() || !(conf.get() instanceof TreeEntry.File f)) {
            return false;
        }
        try (ContentObject c = repo.openContent(f.content())) {
            if (c.header().isSymlink() || c.size() > 1 << 20) {
                return false;
            }
            return PrepareRootConf.overlayfsEnabled(KeyFile.parse(new String(c.stream().readAllBytes(), StandardCharsets.UTF_8),
                    PrepareRootConf.PATH));
        }
    }

    /** Each derived layer as a commit of its own (stored ones are reused), in parallel; the refs once all are durable. */
    private static List<ObjectId> importDerived(Repository repo, ImageSource source, List<Descriptor> layers, boolean allowNonUsr,
            WorkerPool pool, WorkerPool content, Consumer<String> log, SortedMap<String, Integer> filtered)
            throws IOException, OstreeFormatException {
        Path tmp = repo.path().resolve("tmp");
        List<Future<DerivedLayer.Result>> results = new ArrayList<>();
        try (ObjectInserter inserter = repo.newInserter()) {
            for (Descriptor d : layers) {
                Optional<ObjectId> have = repo.refs().resolve(ImageImporter.layerRef(d.digest()));
                if (have.isPresent()) {
                    results.add(CompletableFuture.completedFuture(new DerivedLayer.Result(have.get(), new TreeMap<>())));
                    continue;
                }
                results.add(pool.submit(() -> {
                    log.accept("Fetching layer " + d.digest() + " (" + d.size() + " bytes)");
                    return ImageImporter.readLayer(source, d, tmp, tar -> DerivedLayer.write(repo, inserter, content, tar, allowNonUsr,
                            IMPORTER_VERSION, source.describe() + " layer " + d.digest()));
                }));
            }
            List<ObjectId> commits = new ArrayList<>();
            for (Future<DerivedLayer.Result> f : results) {
                DerivedLayer.Result r = WorkerPool.join(f);
                commits.add(r.commit());
                r.filtered().forEach((k, v) -> filtered.merge(k, v, Integer::sum));
            }
            inserter.commit();
            for (int i = 0; i < layers.size(); i++) {
                repo.refs().set(ImageImporter.layerRef(layers.get(i).digest()), commits.get(i));
            }
            return commits;
        }
    }

    private static ObjectId writeMerge(Repository repo, Optional<Commit> baseCommit, ObjectId base, List<ObjectId> derived,
            ImageSource.Fetched m, ImageConfig config) throws IOException, OstreeFormatException {
        Map<String, Variant> meta = new TreeMap<>();
        meta.put(META_MANIFEST_DIGEST, Variant.ofString(m.digest().toString()));
        meta.put(META_MANIFEST, Variant.ofString(new String(m.manifest().canonicalBytes(), StandardCharsets.UTF_8)));
        meta.put(META_CONFIG, Variant.ofString(new String(config.canonicalBytes(), StandardCharsets.UTF_8)));
        meta.put(META_IMPORTER_VERSION, Variant.ofString(IMPORTER_VERSION));
        try (ObjectInserter inserter = repo.newInserter()) {
            OverlayTree.Root root = LayerMerge.merge(repo, baseCommit, derived).write(inserter);
            Commit c = new Commit(VariantDict.of(meta), Optional.ofNullable(base), "", "", timestamp(m.manifest(), config),
                    root.tree(), root.meta());
            ObjectId id = inserter.writeMetadata(ObjectType.COMMIT, c.encode());
            inserter.commit();
            return id;
        }
    }

    /** The manifest's {@code created} annotation, else the configuration's {@code created}, else now. */
    private static long timestamp(ImageManifest manifest, ImageConfig config) {
        String t = manifest.annotations().get(ANNOTATION_CREATED);
        if (t == null) {
            t = config.created();
        }
        if (t != null) {
            try {
                return OffsetDateTime.parse(t).toEpochSecond();
            } catch (DateTimeParseException e) {
                // ostree-ext ignores a timestamp it cannot parse, too.
            }
        }
        return Instant.now().getEpochSecond();
    }

    static String imageRef(ImageReference image) {
        return RefEscape.escape(ImageImporter.IMAGE_REF_PREFIX, image.toString());
    }

    /** The images stored, as the references they were pulled as. */
    public static List<String> list(Repository repo) throws IOException {
        List<String> out = new ArrayList<>();
        String prefix = ImageImporter.IMAGE_REF_PREFIX + "/";
        for (String ref : repo.refs().listLocal().keySet()) {
            if (ref.startsWith(prefix)) {
                out.add(RefEscape.unescape(ref.substring(prefix.length())));
            }
        }
        return out;
    }

    /** The stored image of a reference, if any. */
    public static Optional<ImageState> query(Repository repo, ImageReference image) throws IOException, OstreeFormatException {
        Optional<ObjectId> merge = repo.refs().resolve(imageRef(image));
        return merge.isPresent() ? Optional.of(queryCommit(repo, merge.get())) : Optional.empty();
    }

    /** The image a merge commit is, from its metadata; fails for a commit that is not one. */
    public static ImageState queryCommit(Repository repo, ObjectId commit) throws IOException, OstreeFormatException {
        VariantDict meta = repo.readCommit(commit).metadata();
        String digest = meta.getString(META_MANIFEST_DIGEST).orElseThrow(() -> new OstreeFormatException("Missing " + META_MANIFEST_DIGEST
                + " metadata on merge commit " + commit));
        String manifest = meta.getString(META_MANIFEST).orElseThrow(() -> new OstreeFormatException("Failed to find " + META_MANIFEST
                + " metadata key on " + commit));
        ImageManifest m = ImageManifest.parse(manifest.getBytes(StandardCharsets.UTF_8));
        Optional<String> configJson = meta.getString(META_CONFIG).filter(s -> !s.equals("null"));
        ImageConfig config = configJson.isPresent() ? ImageConfig.parse(configJson.get().getBytes(StandardCharsets.UTF_8))
                : ImageConfig.parse("{}".getBytes(StandardCharsets.UTF_8));
        Optional<ObjectId> base = m.layers().isEmpty() ? Optional.empty()
                : repo.refs().resolve(ImageImporter.layerRef(m.layers().get(0).digest()));
        return new ImageState(commit, base, Digest.parse(digest), m, config);
    }

    /** The image a commit is, when it (or, for a layered commit, {@code base}) is an image's merge commit. */
    public static Optional<ImageState> describe(Repository repo, ObjectId commit) throws IOException {
        try {
            if (repo.readCommit(commit).metadata().getString(META_MANIFEST_DIGEST).isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(queryCommit(repo, commit));
        } catch (OstreeFormatException e) {
            return Optional.empty();
        }
    }

    /** Drops an image's ref (its layers stay until {@link #pruneLayers}); returns whether it was stored. */
    public static boolean remove(Repository repo, ImageReference image) throws IOException {
        return repo.refs().delete(imageRef(image));
    }

    /** Drops the images not in {@code keep}; returns those dropped. */
    public static List<String> removeExcept(Repository repo, Collection<ImageReference> keep) throws IOException {
        Set<String> kept = new HashSet<>();
        keep.forEach(k -> kept.add(k.toString()));
        List<String> removed = new ArrayList<>();
        for (String image : list(repo)) {
            if (!kept.contains(image)) {
                repo.refs().delete(RefEscape.escape(ImageImporter.IMAGE_REF_PREFIX, image));
                removed.add(image);
            }
        }
        return removed;
    }

    /**
     * ostree-ext's {@code gc_image_layers}: drops the refs of layers that no stored image and no deployed (or kept
     * base) image commit lists; the objects go with the repository's next prune. Returns how many were dropped.
     */
    public static int pruneLayers(Repository repo) throws IOException, OstreeFormatException {
        Set<Digest> used = new HashSet<>();
        Map<String, ObjectId> refs = repo.refs().listLocal();
        Set<ObjectId> commits = new HashSet<>();
        for (Map.Entry<String, ObjectId> r : refs.entrySet()) {
            if (r.getKey().startsWith(ImageImporter.IMAGE_REF_PREFIX + "/") || KEEPING_REFS.stream().anyMatch(r.getKey()::startsWith)) {
                commits.add(r.getValue());
            }
        }
        for (ObjectId c : commits) {
            if (!repo.has(c, ObjectType.COMMIT)) {
                continue;
            }
            Optional<ImageState> image = describe(repo, c);
            Optional<ObjectId> parent = repo.readCommit(c).parent();
            if (image.isEmpty() && parent.isPresent() && repo.has(parent.get(), ObjectType.COMMIT)) {
                // A commit layered on an image has the image's merge commit as its parent.
                image = describe(repo, parent.get());
            }
            image.ifPresent(i -> i.manifest().layers().forEach(l -> used.add(l.digest())));
        }
        String prefix = ImageImporter.LAYER_REF_PREFIX + "/";
        int pruned = 0;
        for (String ref : refs.keySet()) {
            if (!ref.startsWith(prefix)) {
                continue;
            }
            String digest = RefEscape.unescape(ref.substring(prefix.length()));
            Digest d;
            try {
                d = Digest.parse(digest);
            } catch (OstreeFormatException e) {
                continue;
            }
            if (!used.contains(d)) {
                repo.refs().delete(ref);
                pruned++;
            }
        }
        return pruned;
    }
}
