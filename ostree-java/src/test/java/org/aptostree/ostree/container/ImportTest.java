package org.aptostree.ostree.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.oci.Descriptor;
import org.aptostree.ostree.oci.Digest;
import org.aptostree.ostree.oci.ImageConfig;
import org.aptostree.ostree.oci.ImageManifest;
import org.aptostree.ostree.oci.ImageReference;
import org.aptostree.ostree.oci.LocalImageSource;
import org.aptostree.ostree.oci.MediaTypes;
import org.aptostree.ostree.oci.OciLayout;
import org.aptostree.ostree.oci.Platform;
import org.aptostree.ostree.repo.RepoMode;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unencapsulating gives back the exact commit: from our own images (one layer or chunked, directory or archive),
 * from the older forms ostree-ext has written (v1 with a shared {@code .file-xattrs} hard link, v0 with
 * {@code xattrs/<sha256>}), built here by the rules of ostree-ext's exporter; hostile images are refused with
 * nothing stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImportTest {
    @TempDir
    static Path dir;
    private Repository source;
    private ObjectId commit;
    private int n;

    @BeforeAll
    void setUp() throws Exception {
        source = Repository.init(dir.resolve("source"), RepoMode.ARCHIVE);
        commit = SampleCommits.commit(source, "sample", 0, true);
    }

    private Repository freshRepo(RepoMode mode) throws Exception {
        return Repository.init(dir.resolve("dest-" + (n++)), mode);
    }

    private ObjectId unencapsulate(Repository repo, String ref) throws Exception {
        try (LocalImageSource src = LocalImageSource.open(ImageReference.parse(ref), repo.path().resolve("tmp"))) {
            return ImageImporter.unencapsulate(repo, src).commit();
        }
    }

    private void assertSameCommitAndFsck(Repository repo, ObjectId imported) throws Exception {
        assertEquals(commit, imported);
        Requirements.tools("ostree");
        String fsck = ExternalCommand.run("ostree", "--repo=" + repo.path(), "fsck");
        assertTrue(fsck.contains("no errors") || !fsck.contains("error"), fsck);
        ImageImporter.checkComplete(repo, imported);
    }

    @Test
    void ownImagesComeBackAsTheSameCommit() throws Exception {
        for (boolean chunked : new boolean[] {false, true}) {
            for (RepoMode mode : new RepoMode[] {RepoMode.ARCHIVE, RepoMode.BARE_USER}) {
                Encapsulator.Options opts = chunked ? Encapsulator.Options.defaults().withContentMeta(SampleCommits.contentMeta())
                        : Encapsulator.Options.defaults();
                Path oci = dir.resolve("own-" + chunked + "-" + mode);
                Encapsulator.encapsulate(source, "sample", ImageReference.parse("oci:" + oci), opts, null);
                Repository repo = freshRepo(mode);
                assertSameCommitAndFsck(repo, unencapsulate(repo, "oci:" + oci));
            }
        }
        Path archive = dir.resolve("own.ociarchive");
        Encapsulator.encapsulate(source, "sample", ImageReference.parse("oci-archive:" + archive + ":x"),
                Encapsulator.Options.defaults().withContentMeta(SampleCommits.contentMeta()), null);
        Repository repo = freshRepo(RepoMode.ARCHIVE);
        assertSameCommitAndFsck(repo, unencapsulate(repo, "oci-archive:" + archive + ":x"));
    }

    /** Rewrites the single layer of an image by a rule and stores the result as a new single-layer image. */
    private Path rewritten(String name, java.util.function.Function<List<Entry>, List<Entry>> rule) throws Exception {
        Path oci = dir.resolve(name + "-orig");
        Encapsulator.encapsulate(source, "sample", ImageReference.parse("oci:" + oci), Encapsulator.Options.defaults(), null);
        OciLayout layout = OciLayout.open(oci);
        ImageManifest m = ImageManifest.parse(layout.readBlob(layout.readIndex().forTag(null).orElseThrow(), 1 << 20));
        ImageConfig config = ImageConfig.parse(layout.readBlob(m.config(), 1 << 20));
        List<Entry> entries = read(layout, m.layers().get(0));
        byte[] tar = write(rule.apply(entries));
        return singleLayerImage(dir.resolve(name), tar, config.labels(), true);
    }

    static Path singleLayerImage(Path oci, byte[] tar, Map<String, String> labels, boolean fixDiffId) throws Exception {
        OciLayout out = OciLayout.create(oci);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
            g.write(tar);
        }
        Descriptor layer = out.writeBlob(gz.toByteArray(), MediaTypes.OCI_LAYER_GZIP);
        Digest diffId = Digest.of(tar);
        Map<String, String> l = new LinkedHashMap<>(labels);
        if (fixDiffId) {
            l.put("ostree.final-diffid", diffId.toString());
        }
        ImageConfig c = ImageConfig.create(Platform.host(), "2024-01-01T00:00:00Z", null, l);
        c.addLayer(diffId, "2024-01-01T00:00:00Z", "rewritten");
        Descriptor cd = out.writeBlob(c.canonicalBytes(), MediaTypes.OCI_CONFIG);
        ImageManifest nm = new ImageManifest(MediaTypes.OCI_MANIFEST, cd, List.of(layer), l);
        out.putManifest(out.writeBlob(nm.canonicalBytes(), MediaTypes.OCI_MANIFEST), null);
        return oci;
    }

    record Entry(TarArchiveEntry header, byte[] data) {
    }

    static List<Entry> read(OciLayout layout, Descriptor d) throws IOException {
        List<Entry> out = new ArrayList<>();
        try (InputStream in = layout.openBlob(d); TarArchiveInputStream t = new TarArchiveInputStream(new GZIPInputStream(in))) {
            TarArchiveEntry e;
            while ((e = t.getNextEntry()) != null) {
                out.add(new Entry(e, e.isFile() ? t.readAllBytes() : new byte[0]));
            }
        }
        return out;
    }

    static byte[] write(List<Entry> entries) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(b)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Entry e : entries) {
                t.putArchiveEntry(e.header());
                t.write(e.data());
                t.closeArchiveEntry();
            }
        }
        return b.toByteArray();
    }

    private static TarArchiveEntry regular(String name, int size) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        e.setMode(0100644);
        return e;
    }

    private static TarArchiveEntry hardlink(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK);
        e.setLinkName(target);
        e.setMode(0100644);
        return e;
    }

    private static String objectDir(String checksum) {
        return "sysroot/ostree/repo/objects/" + checksum.substring(0, 2) + "/" + checksum.substring(2);
    }

    @Test
    void v1WithSharedXattrsHardLinks() throws Exception {
        Path oci = rewritten("v1-shared", entries -> {
            List<Entry> out = new ArrayList<>();
            Set<String> written = new HashSet<>();
            for (Entry e : entries) {
                String name = e.header().getName();
                if (name.endsWith(".file-xattrs-link")) {
                    String sum = ObjectId.sha256Of(e.data()).hex();
                    String shared = objectDir(sum) + ".file-xattrs";
                    if (written.add(sum)) {
                        out.add(new Entry(regular(shared, e.data().length), e.data()));
                    }
                    out.add(new Entry(hardlink(name, shared), new byte[0]));
                } else {
                    out.add(e);
                }
            }
            return out;
        });
        Repository repo = freshRepo(RepoMode.ARCHIVE);
        assertSameCommitAndFsck(repo, unencapsulate(repo, "oci:" + oci));
    }

    @Test
    void legacyV0WithXattrsDirectory() throws Exception {
        Path oci = rewritten("v0", entries -> {
            List<Entry> out = new ArrayList<>();
            Set<String> written = new HashSet<>();
            for (Entry e : entries) {
                String name = e.header().getName();
                if (name.equals("sysroot/ostree/repo/config")) {
                    TarArchiveEntry xdir = new TarArchiveEntry("sysroot/ostree/repo/xattrs/", TarArchiveEntry.LF_DIR);
                    out.add(new Entry(xdir, new byte[0]));
                    out.add(new Entry(regular("sysroot/config", e.data().length), e.data()));
                } else if (name.endsWith(".file-xattrs-link")) {
                    // v0 writes no reference at all for objects without xattrs.
                    if (e.data().length == 0) {
                        continue;
                    }
                    String sum = ObjectId.sha256Of(e.data()).hex();
                    String shared = "sysroot/ostree/repo/xattrs/" + sum;
                    if (written.add(sum)) {
                        out.add(new Entry(regular(shared, e.data().length), e.data()));
                    }
                    String checksum = name.substring("sysroot/ostree/repo/objects/".length(), name.length() - ".file-xattrs-link".length()).replace("/", "");
                    out.add(new Entry(hardlink(objectDir(checksum) + ".file.xattrs", shared), new byte[0]));
                } else {
                    if (name.endsWith(".file")) {
                        // v0 kept the file type bits in the tar mode.
                        e.header().setMode(e.header().getMode() | (e.header().isSymbolicLink() ? 0120000 : 0100000));
                    }
                    out.add(e);
                }
            }
            return out;
        });
        Repository repo = freshRepo(RepoMode.BARE_USER);
        assertSameCommitAndFsck(repo, unencapsulate(repo, "oci:" + oci));
    }

    private static void assertNothingStored(Repository repo, Path outside) throws IOException {
        assertEquals(List.of(), repo.listObjects(), "no object was stored");
        assertTrue(repo.refs().listLocal().isEmpty(), "no ref was written");
        if (outside != null) {
            assertTrue(!Files.exists(outside), outside + " was written");
        }
    }

    @Test
    void aCorruptBlobIsRefusedBeforeAnythingIsStored() throws Exception {
        Path oci = dir.resolve("corrupt");
        Encapsulator.encapsulate(source, "sample", ImageReference.parse("oci:" + oci), Encapsulator.Options.defaults(), null);
        OciLayout layout = OciLayout.open(oci);
        ImageManifest m = ImageManifest.parse(layout.readBlob(layout.readIndex().forTag(null).orElseThrow(), 1 << 20));
        try (RandomAccessFile f = new RandomAccessFile(layout.blobPath(m.layers().get(0).digest()).toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0xFF);
        }
        Repository repo = freshRepo(RepoMode.ARCHIVE);
        IOException e = assertThrows(IOException.class, () -> unencapsulate(repo, "oci:" + oci));
        assertTrue(e.getMessage().contains("digest mismatch"), e.getMessage());
        assertNothingStored(repo, null);
    }

    @Test
    void anArchiveIsReadInPlaceAndACorruptBlobInItIsRefusedBeforeAnythingIsStored() throws Exception {
        Path archive = dir.resolve("corrupt.ociarchive");
        Encapsulator.encapsulate(source, "sample", ImageReference.parse("oci-archive:" + archive), Encapsulator.Options.defaults(), null);
        Descriptor layer;
        try (LocalImageSource src = LocalImageSource.open(ImageReference.parse("oci-archive:" + archive), dir.resolve("unused"))) {
            layer = src.manifest(org.aptostree.ostree.oci.Platform.host()).manifest().layers().get(0);
        }
        Repository good = freshRepo(RepoMode.BARE_USER);
        assertSameCommitAndFsck(good, unencapsulate(good, "oci-archive:" + archive));
        try (java.util.stream.Stream<Path> s = Files.list(good.path().resolve("tmp"))) {
            assertEquals(List.of(), s.filter(p -> !p.getFileName().toString().equals("cache")).toList(),
                    "nothing extracted or staged is left (tmp/cache is the repository's own)");
        }
        long offset;
        try (org.apache.commons.compress.archivers.tar.TarFile t = new org.apache.commons.compress.archivers.tar.TarFile(archive)) {
            offset = t.getEntries().stream().filter(e -> e.getName().equals("blobs/sha256/" + layer.digest().hex())).findFirst().orElseThrow()
                    .getDataOffset();
        }
        try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
            f.seek(offset + layer.size() / 2);
            int b = f.read();
            f.seek(offset + layer.size() / 2);
            f.write(b ^ 0xFF);
        }
        Repository repo = freshRepo(RepoMode.BARE_USER);
        IOException e = assertThrows(IOException.class, () -> unencapsulate(repo, "oci-archive:" + archive));
        assertTrue(e.getMessage().contains("digest mismatch"), e.getMessage());
        assertNothingStored(repo, null);
    }

    @Test
    void anObjectWhoseContentDoesNotMatchItsNameIsRefused() throws Exception {
        Path oci = rewritten("lying", entries -> {
            List<Entry> out = new ArrayList<>();
            for (Entry e : entries) {
                if (e.header().getName().endsWith(".file") && e.header().isFile() && e.data().length > 3) {
                    byte[] changed = e.data().clone();
                    changed[0] ^= 1;
                    out.add(new Entry(e.header(), changed));
                } else {
                    out.add(e);
                }
            }
            return out;
        });
        Repository repo = freshRepo(RepoMode.ARCHIVE);
        IOException e = assertThrows(IOException.class, () -> unencapsulate(repo, "oci:" + oci));
        assertTrue(e.getMessage().toLowerCase().contains("corrupt") || e.getMessage().contains("checksum"), e.getMessage());
        for (var o : repo.listObjects()) {
            if (o.type() == org.aptostree.ostree.object.ObjectType.FILE) {
                try (var c = repo.openContent(o.id()); InputStream in = c.stream()) {
                    assertEquals(o.id(), c.header().checksum(in), "every stored object matches its name");
                }
            }
        }
    }

    @Test
    void pathsThatClimbOutAreRefused() throws Exception {
        Path victim = dir.resolve("escaped");
        Path oci = rewritten("climb", entries -> {
            List<Entry> out = new ArrayList<>(entries);
            byte[] data = "pwned".getBytes(StandardCharsets.UTF_8);
            out.add(3, new Entry(regular("../../../../../../../../" + victim.toString().substring(1), data.length), data));
            out.add(new Entry(regular("sysroot/ostree/repo/objects/../../../../escaped.file", data.length), data));
            return out;
        });
        Repository repo = freshRepo(RepoMode.ARCHIVE);
        Exception e = assertThrows(Exception.class, () -> unencapsulate(repo, "oci:" + oci));
        assertTrue(e.getMessage().contains("Invalid object path") || e.getMessage().contains("Invalid checksum"), e.getMessage());
        assertTrue(!Files.exists(victim));
    }

    @Test
    void aDecompressionBombIsRefused() throws Exception {
        // 520 MiB of zeros in one tar member, gzipped at level 1 to about half a MiB, streamed to the blob.
        Path oci = dir.resolve("bomb");
        OciLayout out = OciLayout.create(oci);
        OciLayout.BlobWriter blob = out.newBlob();
        java.security.MessageDigest diff = Digest.newSha256();
        try (GZIPOutputStream gz = new GZIPOutputStream(blob, 1 << 16) {
                {
                    def.setLevel(1);
                }
            };
             java.security.DigestOutputStream d = new java.security.DigestOutputStream(gz, diff);
             TarArchiveOutputStream t = new TarArchiveOutputStream(d)) {
            t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            TarArchiveEntry e = new TarArchiveEntry("usr/share/zeros");
            e.setSize(520L << 20);
            t.putArchiveEntry(e);
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 520; i++) {
                t.write(zeros);
            }
            t.closeArchiveEntry();
            t.finish();
        }
        Descriptor layer = new Descriptor(MediaTypes.OCI_LAYER_GZIP, blob.complete(), blob.size());
        Digest diffId = Digest.of(diff);
        Map<String, String> labels = Map.of("ostree.final-diffid", diffId.toString());
        ImageConfig c = ImageConfig.create(Platform.host(), "2024-01-01T00:00:00Z", null, labels);
        c.addLayer(diffId, "2024-01-01T00:00:00Z", "bomb");
        Descriptor cd = out.writeBlob(c.canonicalBytes(), MediaTypes.OCI_CONFIG);
        ImageManifest m = new ImageManifest(MediaTypes.OCI_MANIFEST, cd, List.of(layer), labels);
        out.putManifest(out.writeBlob(m.canonicalBytes(), MediaTypes.OCI_MANIFEST), null);
        Repository repo = freshRepo(RepoMode.ARCHIVE);
        Exception e = assertThrows(Exception.class, () -> unencapsulate(repo, "oci:" + oci));
        assertTrue(e.getMessage().contains("decompression bomb"), e.getMessage());
        assertNothingStored(repo, null);
    }

    @Test
    void aHugeManifestIsRefusedUnread() throws Exception {
        Path oci = dir.resolve("huge");
        OciLayout layout = OciLayout.create(oci);
        Digest fake = Digest.of("x".getBytes(StandardCharsets.UTF_8));
        try (RandomAccessFile f = new RandomAccessFile(layout.blobPath(fake).toFile(), "rw")) {
            f.setLength(100L << 20);
        }
        layout.putManifest(new Descriptor(MediaTypes.OCI_MANIFEST, fake, 100L << 20), null);
        Repository repo = freshRepo(RepoMode.ARCHIVE);
        Exception e = assertThrows(Exception.class, () -> unencapsulate(repo, "oci:" + oci));
        assertTrue(e.getMessage().contains("more than the limit"), e.getMessage());
        assertNothingStored(repo, null);
    }

    @Test
    void aLabelThatNamesAnotherCommitIsRefused() throws Exception {
        Path oci = rewritten("wrong-label", entries -> entries);
        OciLayout layout = OciLayout.open(oci);
        ImageManifest m = ImageManifest.parse(layout.readBlob(layout.readIndex().forTag(null).orElseThrow(), 1 << 20));
        ImageConfig c = ImageConfig.parse(layout.readBlob(m.config(), 1 << 20));
        Map<String, String> labels = new LinkedHashMap<>(c.labels());
        labels.put("ostree.commit", "0".repeat(64));
        List<Entry> entries = read(layout, m.layers().get(0));
        Path bad = singleLayerImage(dir.resolve("wrong-label-2"), write(entries), labels, true);
        Repository repo = freshRepo(RepoMode.ARCHIVE);
        Exception e = assertThrows(Exception.class, () -> unencapsulate(repo, "oci:" + bad));
        assertTrue(e.getMessage().contains("label names"), e.getMessage());
    }

    @Test
    void anImageWithoutTheLabelIsNotAnOstreeImage() throws Exception {
        Path oci = singleLayerImage(dir.resolve("plain"), write(List.of()), Map.of(), false);
        Repository repo = freshRepo(RepoMode.ARCHIVE);
        Exception e = assertThrows(Exception.class, () -> unencapsulate(repo, "oci:" + oci));
        assertTrue(e.getMessage().contains("not an ostree encapsulated container"), e.getMessage());
    }
}
