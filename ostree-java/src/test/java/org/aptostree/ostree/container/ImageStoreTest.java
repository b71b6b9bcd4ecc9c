package org.aptostree.ostree.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.oci.Descriptor;
import org.aptostree.ostree.oci.Digest;
import org.aptostree.ostree.oci.ImageConfig;
import org.aptostree.ostree.oci.ImageManifest;
import org.aptostree.ostree.oci.ImageReference;
import org.aptostree.ostree.oci.LocalImageSource;
import org.aptostree.ostree.oci.MediaTypes;
import org.aptostree.ostree.oci.OciLayout;
import org.aptostree.ostree.repo.RepoMode;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images stored as ostree-ext stores them: derived layers made by umoci (a build that adds, deletes, replaces and
 * edits files, one of them hard-linked into the base's object store) and by hand (opaque directories, whiteouts of
 * directories and symlinks) are merged into a commit whose tree is the one {@code umoci unpack} gives, with /etc in
 * /usr/etc, /var in /usr/share/factory/var and what an ostree system cannot hold left out and counted; the merge
 * commit's metadata and the refs are ostree-ext's; layers already stored are not fetched again; zstd layers are read;
 * hostile derived layers are refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageStoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    private Repository source;
    private ObjectId commit;
    private Path oci;
    private int n;

    @BeforeAll
    void setUp() throws Exception {
        source = Repository.init(dir.resolve("source"), RepoMode.ARCHIVE);
        commit = SampleCommits.commit(source, "sample", 0, true);
        oci = dir.resolve("images");
        Encapsulator.encapsulate(source, "sample", ImageReference.parse("oci:" + oci + ":base"),
                Encapsulator.Options.defaults().withContentMeta(SampleCommits.contentMeta()), null);
    }

    private Repository freshRepo() throws Exception {
        return Repository.init(dir.resolve("repo-" + (n++)), RepoMode.ARCHIVE);
    }

    private static OstreeImageReference ref(Path layout, String tag) {
        return OstreeImageReference.parse("ostree-unverified-image:oci:" + layout + ":" + tag);
    }

    private static ImageStore.Pulled pull(Repository repo, Path layout, String tag) throws Exception {
        try (LocalImageSource src = LocalImageSource.open(ImageReference.parse("oci:" + layout + ":" + tag), repo.path().resolve("tmp"))) {
            return ImageStore.pull(repo, ref(layout, tag), src, ImageStore.Options.defaults());
        }
    }

    // ---------------------------------------------------------------- building derived images

    /** A layer tar: each entry a header and its data. */
    private static byte[] tar(List<TarArchiveEntry> entries, List<byte[]> data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(b)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (int i = 0; i < entries.size(); i++) {
                t.putArchiveEntry(entries.get(i));
                t.write(data.get(i));
                t.closeArchiveEntry();
            }
        }
        return b.toByteArray();
    }

    private static TarArchiveEntry entry(String name, byte type, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name, type);
        e.setMode(mode);
        e.setIds(0, 0);
        return e;
    }

    /** A builder of a hand-made layer. */
    private static final class Layer {
        final List<TarArchiveEntry> entries = new ArrayList<>();
        final List<byte[]> data = new ArrayList<>();

        Layer dir(String name, int uid, int gid, int mode) {
            TarArchiveEntry e = entry(name + "/", TarArchiveEntry.LF_DIR, 040000 | mode);
            e.setIds(uid, gid);
            return add(e, new byte[0]);
        }

        Layer file(String name, String content) {
            byte[] b = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry e = entry(name, TarArchiveEntry.LF_NORMAL, 0100644);
            e.setSize(b.length);
            return add(e, b);
        }

        Layer symlink(String name, String target) {
            TarArchiveEntry e = entry(name, TarArchiveEntry.LF_SYMLINK, 0120777);
            e.setLinkName(target);
            return add(e, new byte[0]);
        }

        private Layer add(TarArchiveEntry e, byte[] b) {
            entries.add(e);
            data.add(b);
            return this;
        }

        byte[] bytes() throws IOException {
            return tar(entries, data);
        }
    }

    /** Tags {@code to}: the image {@code from} with one more layer, gzip or zstd. */
    static void appendLayer(Path layout, String from, String to, byte[] tar, boolean zstd) throws Exception {
        OciLayout l = OciLayout.open(layout);
        ImageManifest m = ImageManifest.parse(l.readBlob(l.readIndex().forTag(from).orElseThrow(), ImageManifest.MAX_SIZE));
        ImageConfig config = ImageConfig.parse(l.readBlob(m.config(), ImageConfig.MAX_SIZE));
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (OutputStream z = zstd ? new ZstdOutputStream(compressed) : new GZIPOutputStream(compressed)) {
            z.write(tar);
        }
        Descriptor layer = l.writeBlob(compressed.toByteArray(), zstd ? MediaTypes.OCI_LAYER_ZSTD : MediaTypes.OCI_LAYER_GZIP);
        config.addLayer(Digest.of(tar), "2024-05-01T00:00:00Z", "RUN a derived layer");
        Descriptor cd = l.writeBlob(config.canonicalBytes(), MediaTypes.OCI_CONFIG);
        List<Descriptor> layers = new ArrayList<>(m.layers());
        layers.add(layer);
        ImageManifest next = new ImageManifest(MediaTypes.OCI_MANIFEST, cd, layers, m.annotations());
        l.putManifest(l.writeBlob(next.canonicalBytes(), MediaTypes.OCI_MANIFEST), to);
    }

    /** A Containerfile's RUN, done by umoci: unpack the base, change the tree, repack as {@code to}. */
    private void umociBuild(String from, String to) throws Exception {
        Path bundle = dir.resolve("bundle-" + to);
        ExternalCommand.run("umoci", "unpack", "--image", oci + ":" + from, bundle.toString());
        Path root = bundle.resolve("rootfs");
        Files.writeString(root.resolve("etc/derived.conf"), "derived=1\n");
        Files.createDirectories(root.resolve("usr/share/derived"));
        Files.writeString(root.resolve("usr/share/derived/readme"), "added by RUN\n");
        Files.delete(root.resolve("usr/bin/beta"));
        Files.delete(root.resolve("usr/share/sticky"));
        Files.writeString(root.resolve("usr/share/sticky"), "a file where a directory was\n");
        Files.createDirectories(root.resolve("var/lib/derived"));
        Files.writeString(root.resolve("var/lib/derived/state"), "state\n");
        Files.writeString(root.resolve("tmp/junk"), "build junk\n");
        Files.createDirectories(root.resolve("opt/app"));
        Files.writeString(root.resolve("opt/app/run"), "#!/bin/sh\n");
        // Both edits change an inode the base hard-links into sysroot/ostree/repo/objects.
        Files.writeString(root.resolve("usr/lib/libbig.so"), "appended by RUN\n", StandardOpenOption.APPEND);
        Files.setAttribute(root.resolve("usr/bin/alpha"), "unix:mode", 0700);
        Files.write(root.resolve("etc/hostname"), new byte[0]);
        ExternalCommand.run("umoci", "repack", "--image", oci + ":" + to, bundle.toString());
    }

    private Map<String, String> listing(Path root, Map<String, String> renames, List<String> skip) throws IOException {
        return TreeListing.of(root, renames, skip);
    }

    // ---------------------------------------------------------------- tests

    @Test
    void derivedLayersMergeIntoTheTreeUmociUnpacks() throws Exception {
        Requirements.tools("umoci", "ostree");
        Requirements.root(); // umoci keeps owners only as root, and the trees are compared with them
        umociBuild("base", "derived");
        Layer hand = new Layer()
                .dir("usr/share/owned", 1000, 100, 0750).file("usr/share/owned/.wh..wh..opq", "").file("usr/share/owned/new", "replaced\n")
                .file("usr/bin/.wh.a", "").file("usr/lib/.wh.denormal", "")
                .file("usr/share/.wh." + "d".repeat(60), "")
                .file("usr/share/newdir/deep/file", "parents made on the way\n")
                .file("etc/resolv.conf", "");
        appendLayer(oci, "derived", "derived2", hand.bytes(), false);

        Repository repo = freshRepo();
        ImageStore.Pulled p = pull(repo, oci, "derived2");
        assertTrue(p.changed());
        ObjectId merge = p.state().mergeCommit();
        Path checkout = dir.resolve("merged-checkout");
        ExternalCommand.run("ostree", "--repo=" + repo.path(), "checkout", merge.hex(), checkout.toString());
        Path bundle = dir.resolve("bundle-check");
        ExternalCommand.run("umoci", "unpack", "--image", oci + ":derived2", bundle.toString());
        Path rootfs = bundle.resolve("rootfs");

        Map<String, String> expected = listing(rootfs, Map.of("etc", "usr/etc"),
                List.of("sysroot/ostree", "var/tmp", "var/lib", "opt", "tmp/junk", "etc/hostname", "etc/resolv.conf"));
        Map<String, String> actual = listing(checkout, Map.of(), List.of("usr/share/factory"));
        assertEquals(expected, actual);
        assertEquals(listing(rootfs.resolve("var/lib/derived"), Map.of(), List.of()),
                listing(checkout.resolve("usr/share/factory/var/lib/derived"), Map.of(), List.of()), "/var goes to /usr/share/factory/var");
        assertFalse(Files.exists(checkout.resolve("usr/etc/hostname")), "the empty hostname a build leaves is removed");
        assertFalse(Files.exists(checkout.resolve("usr/etc/resolv.conf")), "the empty resolv.conf a build leaves is removed");
        assertFalse(Files.exists(checkout.resolve("opt")));
        assertEquals(Set.of("opt", "tmp"), p.filtered().keySet());
        assertEquals(1, p.filtered().get("tmp"));
        assertTrue(p.filteredWarning().orElseThrow().startsWith("Image contains non-ostree compatible file paths: opt: "));

        // The merge commit as ostree-ext writes it.
        Commit c = repo.readCommit(merge);
        assertEquals(Optional.of(commit), c.parent(), "the merge commit's parent is the base commit");
        OciLayout layout = OciLayout.open(oci);
        Descriptor manifestDesc = layout.readIndex().forTag("derived2").orElseThrow();
        ImageManifest manifest = ImageManifest.parse(layout.readBlob(manifestDesc, ImageManifest.MAX_SIZE));
        assertEquals(manifestDesc.digest().toString(), c.metadata().getString(ImageStore.META_MANIFEST_DIGEST).orElseThrow());
        assertEquals(new String(manifest.canonicalBytes(), StandardCharsets.UTF_8), c.metadata().getString(ImageStore.META_MANIFEST).orElseThrow());
        JsonNode config = JSON.readTree(c.metadata().getString(ImageStore.META_CONFIG).orElseThrow());
        assertEquals(JSON.readTree(layout.readBlob(manifest.config(), ImageConfig.MAX_SIZE)), config);
        assertEquals(ImageStore.IMPORTER_VERSION, c.metadata().getString(ImageStore.META_IMPORTER_VERSION).orElseThrow());
        assertEquals(java.time.OffsetDateTime.parse(config.get("created").asText()).toEpochSecond(), c.timestamp());

        // The refs, named as ostree-ext names them.
        Map<String, ObjectId> refs = repo.refs().listLocal();
        assertEquals(merge, refs.get("ostree/container/image/" + RefEscapeTest.escaped("oci:" + oci + ":derived2")));
        for (Descriptor l : manifest.layers()) {
            assertTrue(refs.containsKey("ostree/container/blob/sha256_3A_" + l.digest().hex()), "a ref for layer " + l.digest());
        }
        assertEquals(commit, refs.get("ostree/container/blob/sha256_3A_" + manifest.layers().get(0).digest().hex()));
        assertEquals(List.of("oci:" + oci + ":derived2"), ImageStore.list(repo));
        String fsck = ExternalCommand.run("ostree", "--repo=" + repo.path(), "fsck");
        assertTrue(fsck.contains("no errors found"), fsck);
    }

    @Test
    void storedLayersAreNotFetchedAgain() throws Exception {
        appendLayer(oci, "base", "plus-one", new Layer().file("usr/share/one", "1\n").bytes(), false);
        appendLayer(oci, "plus-one", "plus-two", new Layer().file("usr/share/two", "2\n").bytes(), false);
        int baseLayers = manifest("base").layers().size();
        Repository repo = freshRepo();
        ImageStore.Pulled base = pull(repo, oci, "base");
        assertEquals(baseLayers, base.layersFetched());
        assertEquals(0, base.layersPresent());
        assertEquals(commit, base.state().baseCommit().orElseThrow());
        assertEquals(commit.hex(), repo.readCommit(base.state().mergeCommit()).parent().orElseThrow().hex());

        ImageStore.Pulled one = pull(repo, oci, "plus-one");
        assertEquals(baseLayers, one.layersPresent());
        assertEquals(1, one.layersFetched());
        ImageStore.Pulled two = pull(repo, oci, "plus-two");
        assertEquals(baseLayers + 1, two.layersPresent());
        assertEquals(1, two.layersFetched());
        assertEquals(manifest("plus-two").layers().get(baseLayers + 1).size(), two.bytesFetched());
        ImageStore.Pulled again = pull(repo, oci, "plus-two");
        assertFalse(again.changed());
        assertEquals(two.state().mergeCommit(), again.state().mergeCommit());
        assertEquals(3, ImageStore.list(repo).size());

        assertTrue(ImageStore.remove(repo, ImageReference.parse("oci:" + oci + ":plus-two")));
        assertEquals(1, ImageStore.pruneLayers(repo), "only the layer no other image has loses its ref");
        assertFalse(ImageStore.remove(repo, ImageReference.parse("oci:" + oci + ":plus-two")));
        assertEquals(0, ImageStore.removeExcept(repo, List.of(ImageReference.parse("oci:" + oci + ":base"),
                ImageReference.parse("oci:" + oci + ":plus-one"))).size());
        assertEquals(Optional.of(one.state().manifestDigest()), ImageStore.query(repo, ImageReference.parse("oci:" + oci + ":plus-one"))
                .map(ImageStore.ImageState::manifestDigest));
    }

    private ImageManifest manifest(String tag) throws Exception {
        OciLayout l = OciLayout.open(oci);
        return ImageManifest.parse(l.readBlob(l.readIndex().forTag(tag).orElseThrow(), ImageManifest.MAX_SIZE));
    }

    @Test
    void anAbsoluteSymlinkUsedAsAParentIsRefused() throws Exception {
        Path victim = dir.resolve("victim");
        Files.createDirectories(victim);
        appendLayer(oci, "base", "symlink-parent", new Layer().symlink("usr/lib/escape", victim.toString())
                .file("usr/lib/escape/planted", "pwned\n").bytes(), false);
        Repository repo = freshRepo();
        Exception e = assertThrows(Exception.class, () -> pull(repo, oci, "symlink-parent"));
        assertTrue(e.getMessage().contains("usr/lib/escape/planted") && e.getMessage().contains("refusing to follow"), e.getMessage());
        assertEquals(List.of(), Files.list(victim).toList(), "nothing was written through the symlink");
        assertEquals(List.of(), ImageStore.list(repo), "no image was stored");
    }

    @Test
    void pathsThatClimbOutOfADerivedLayerAreRefused() throws Exception {
        appendLayer(oci, "base", "climb", new Layer().file("usr/../../../../escaped", "pwned\n").bytes(), false);
        Repository repo = freshRepo();
        Exception e = assertThrows(Exception.class, () -> pull(repo, oci, "climb"));
        assertTrue(e.getMessage().contains("Invalid path"), e.getMessage());
        assertEquals(List.of(), ImageStore.list(repo));
    }

    @Test
    void aDirectoryInPlaceOfAFileOfTheSameLayerIsRefused() throws Exception {
        appendLayer(oci, "base", "clash", new Layer().file("usr/share/clash", "file\n").dir("usr/share/clash", 0, 0, 0755).bytes(), false);
        Repository repo = freshRepo();
        Exception e = assertThrows(Exception.class, () -> pull(repo, oci, "clash"));
        assertTrue(e.getMessage().contains("is a directory where this layer has a file"), e.getMessage());
    }

    @Test
    void zstdLayersAreRead() throws Exception {
        // The base image's layers recompressed with zstd keep their diff_ids, so the image is the same to ostree-ext.
        OciLayout l = OciLayout.open(oci);
        ImageManifest m = manifest("base");
        List<Descriptor> layers = new ArrayList<>();
        for (Descriptor d : m.layers()) {
            byte[] tar;
            try (InputStream in = new GZIPInputStream(l.openBlob(d))) {
                tar = in.readAllBytes();
            }
            ByteArrayOutputStream z = new ByteArrayOutputStream();
            try (ZstdOutputStream out = new ZstdOutputStream(z)) {
                out.write(tar);
            }
            layers.add(l.writeBlob(z.toByteArray(), MediaTypes.OCI_LAYER_ZSTD).withAnnotations(d.annotations()));
        }
        l.putManifest(l.writeBlob(new ImageManifest(MediaTypes.OCI_MANIFEST, m.config(), layers, m.annotations()).canonicalBytes(),
                MediaTypes.OCI_MANIFEST), "zstd");
        appendLayer(oci, "zstd", "zstd-derived", new Layer().file("usr/share/zstd", "read\n").bytes(), true);

        Repository repo = freshRepo();
        try (LocalImageSource src = LocalImageSource.open(ImageReference.parse("oci:" + oci + ":zstd"), repo.path().resolve("tmp"))) {
            assertEquals(commit, ImageImporter.unencapsulate(repo, src).commit());
        }
        ImageStore.Pulled p = pull(repo, oci, "zstd-derived");
        assertTrue(repo.lookup(p.state().mergeCommit(), "usr/share/zstd").isPresent());
    }

    @Test
    void aPlainImageWithoutAnOstreeLayerIsPulledAsItsLayers() throws Exception {
        Path plain = dir.resolve("plain");
        byte[] tar = new Layer().dir("usr", 0, 0, 0755).file("usr/bin/tool", "tool\n").file("etc/tool.conf", "x\n").bytes();
        ImportTest.singleLayerImage(plain, tar, Map.of(), false);
        Repository repo = freshRepo();
        try (LocalImageSource src = LocalImageSource.open(ImageReference.parse("oci:" + plain), repo.path().resolve("tmp"))) {
            ImageStore.Pulled p = ImageStore.pull(repo, OstreeImageReference.parse("ostree-unverified-image:oci:" + plain), src,
                    ImageStore.Options.defaults());
            assertTrue(repo.lookup(p.state().mergeCommit(), "usr/etc/tool.conf").isPresent());
            assertTrue(repo.lookup(p.state().mergeCommit(), "usr/bin/tool").isPresent());
            assertEquals(Optional.empty(), repo.readCommit(p.state().mergeCommit()).parent(), "no base commit: no parent");
        }
        // A deployment needs a bootable image.
        try (LocalImageSource src = LocalImageSource.open(ImageReference.parse("oci:" + plain), repo.path().resolve("tmp"))) {
            Exception e = assertThrows(Exception.class, () -> ImageStore.pull(repo, OstreeImageReference.parse("ostree-unverified-image:oci:"
                    + plain), src, ImageStore.Options.defaults().withRequireBootable(true).withImageRef(false)));
            assertTrue(e.getMessage().contains("does not have ostree.bootable label"), e.getMessage());
        }
    }

    @Test
    void offlinePullsOnlyWhatIsStored() throws Exception {
        Repository repo = freshRepo();
        Exception e = assertThrows(IOException.class, () -> ImageStore.pull(repo, ref(oci, "base"), (Path) null,
                ImageStore.Options.defaults().withOffline(true)));
        assertTrue(e.getMessage().contains("offline"), e.getMessage());
        ImageStore.Pulled p = pull(repo, oci, "base");
        ImageStore.Pulled offline = ImageStore.pull(repo, ref(oci, "base"), (Path) null, ImageStore.Options.defaults().withOffline(true));
        assertEquals(p.state().mergeCommit(), offline.state().mergeCommit());
        assertFalse(offline.changed());
        assertEquals(Optional.of("42.0"), offline.state().version());
    }
}
