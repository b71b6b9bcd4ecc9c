package org.aptostree.ostree.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.oci.Descriptor;
import org.aptostree.ostree.oci.Digest;
import org.aptostree.ostree.oci.ImageIndex;
import org.aptostree.ostree.oci.ImageManifest;
import org.aptostree.ostree.oci.ImageReference;
import org.aptostree.ostree.oci.OciLayout;
import org.aptostree.ostree.repo.RepoMode;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export checked with the real tools: skopeo reads the labels and annotations, umoci unpacks the same tree as
 * {@code ostree checkout}, and the tar stream follows the rules ostree-ext's own tests assert
 * ({@code validate_tar_expected}, {@code validate_chunked_structure}, {@code test_export_etc_remapping}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EncapsulateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    private Repository repo;
    private ObjectId commit;

    @BeforeAll
    void setUp() throws Exception {
        repo = Repository.init(dir.resolve("repo"), RepoMode.ARCHIVE);
        commit = SampleCommits.commit(repo, "sample", 0, true);
    }

    private Digest export(String dest, Encapsulator.Options opts) throws Exception {
        return Encapsulator.encapsulate(repo, "sample", ImageReference.parse(dest), opts, null);
    }

    private static ImageManifest manifest(Path oci, String tag) throws Exception {
        OciLayout layout = OciLayout.open(oci);
        Descriptor d = layout.readIndex().forTag(tag).orElseThrow();
        return ImageManifest.parse(layout.readBlob(d, ImageManifest.MAX_SIZE));
    }

    @Test
    void skopeoSeesTheLabelsInConfigAndManifest() throws Exception {
        Requirements.tools("skopeo");
        Path oci = dir.resolve("labels");
        Digest digest = export("oci:" + oci + ":latest", Encapsulator.Options.defaults().withLabels(Map.of("buildsys.checksum", "abc"))
                .withCmd(List.of("/usr/bin/bash")));
        JsonNode inspect = JSON.readTree(ExternalCommand.run("skopeo", "inspect", "oci:" + oci + ":latest"));
        assertEquals(digest.toString(), inspect.get("Digest").textValue());
        JsonNode labels = inspect.get("Labels");
        assertEquals(commit.hex(), labels.get("ostree.commit").textValue());
        assertEquals("42.0", labels.get("org.opencontainers.image.version").textValue());
        assertFalse(labels.has("version"), "the legacy version label is only written on request");
        assertEquals("true", labels.get("ostree.bootable").textValue());
        assertEquals("1", labels.get("containers.bootc").textValue());
        assertEquals("6.1.0-test", labels.get("ostree.linux").textValue());
        assertEquals("abc", labels.get("buildsys.checksum").textValue());
        assertEquals("1997-08-29T18:30:42Z", inspect.get("Created").textValue());
        JsonNode raw = JSON.readTree(ExternalCommand.run("skopeo", "inspect", "--raw", "oci:" + oci + ":latest"));
        assertEquals(labels, raw.get("annotations"), "the manifest annotations mirror the labels");
        JsonNode config = JSON.readTree(ExternalCommand.run("skopeo", "inspect", "--config", "oci:" + oci + ":latest"));
        assertEquals("/usr/bin/bash", config.get("config").get("Cmd").get(0).textValue());
        assertEquals(1, config.get("history").size());
        assertEquals("sample 0", config.get("history").get(0).get("created_by").textValue());
        assertEquals(labels.get("ostree.final-diffid"), config.get("rootfs").get("diff_ids").get(0));
    }

    @Test
    void tarStreamFollowsOstreeExtsRules() throws Exception {
        Path oci = dir.resolve("rules");
        export("oci:" + oci, Encapsulator.Options.defaults());
        ImageManifest m = manifest(oci, null);
        assertEquals(1, m.layers().size());
        List<TarArchiveEntry> entries = new ArrayList<>();
        Map<String, byte[]> contents = new java.util.HashMap<>();
        try (InputStream in = OciLayout.open(oci).openBlob(m.layers().get(0));
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                entries.add(e);
                if (e.isFile() && e.getSize() < 100_000) {
                    contents.put(e.getName(), tar.readAllBytes());
                }
            }
        }
        assertEquals("./", entries.get(0).getName());
        Set<String> seen = new HashSet<>();
        Map<String, TarArchiveEntry> byName = new java.util.HashMap<>();
        for (TarArchiveEntry e : entries) {
            assertTrue(seen.add(e.getName()), "duplicate path " + e.getName());
            byName.put(e.getName(), e);
            assertEquals(0, e.getModTime().getTime(), e.getName());
        }
        for (String d : List.of("sysroot/ostree/repo/objects/00", "sysroot/ostree/repo/objects/23", "sysroot/ostree/repo/objects/77",
                "sysroot/ostree/repo/objects/bc", "sysroot/ostree/repo/objects/ff", "sysroot/ostree/repo/refs", "sysroot/ostree/repo/refs/heads",
                "sysroot/ostree/repo/refs/mirrors", "sysroot/ostree/repo/refs/remotes", "sysroot/ostree/repo/state",
                "sysroot/ostree/repo/tmp", "sysroot/ostree/repo/tmp/cache")) {
            assertTrue(byName.get(d).isDirectory(), d);
            assertEquals(0755, byName.get(d).getMode() & 07777, d);
        }
        TarArchiveEntry config = byName.get("sysroot/ostree/repo/config");
        assertTrue(config.isFile());
        assertEquals(0644, config.getMode() & 07777);
        assertEquals("[core]\nrepo_version=1\nmode=bare-split-xattrs\n", new String(contents.get("sysroot/ostree/repo/config"), StandardCharsets.UTF_8));
        TarArchiveEntry empty = byName.get("usr/lib/emptyfile");
        assertTrue(empty.isFile() && !empty.isLink(), "empty files are regular entries, not links");
        assertEquals(0644, empty.getMode() & 07777);
        assertTrue(byName.get("usr/bin/alpha").isLink());
        assertEquals(01777, byName.get("var/tmp").getMode() & 07777);
        assertTrue(byName.containsKey("etc/alpha.conf"), "usr/etc is exported as etc");
        assertFalse(entries.stream().anyMatch(e -> e.getName().startsWith("usr/etc")));
        assertEquals(04755, byName.get("usr/bin/beta-helper").getMode() & 07777);
        assertEquals(1000, byName.get("usr/share/owned/file").getLongUserId());
        assertEquals("../..//usr/bin/alpha", linkTargetOfObjectFor(entries, "usr/lib/denormal"));
        // Each .file comes right after its .file-xattrs-link (with a pax header between them when it has xattrs).
        String commitObject = OstreeTarExport.objectPath(org.aptostree.ostree.object.ObjectType.COMMIT, commit);
        int configAt = entries.indexOf(config);
        int commitAt = entries.indexOf(byName.get(commitObject));
        assertTrue(configAt < commitAt, "the commit object follows the repository skeleton");
        boolean sawCapability = false;
        for (int i = 0; i < entries.size(); i++) {
            TarArchiveEntry e = entries.get(i);
            if (e.getName().endsWith(".file")) {
                assertTrue(entries.get(i - 1).getName().equals(e.getName() + "-xattrs-link"), "xattrs link before " + e.getName());
                if (e.getExtraPaxHeaders().containsKey("SCHILY.xattr.security.capability")) {
                    sawCapability = true;
                }
            }
        }
        assertTrue(sawCapability, "one object carries the capability as a pax xattr");
    }

    private static String linkTargetOfObjectFor(List<TarArchiveEntry> entries, String path) {
        String object = entries.stream().filter(e -> e.getName().equals(path)).findFirst().orElseThrow().getLinkName();
        return entries.stream().filter(e -> e.getName().equals(object)).findFirst().orElseThrow().getLinkName();
    }

    @Test
    void sameCommitGivesTheSameBytes() throws Exception {
        Digest a = export("oci-archive:" + dir.resolve("a.ociarchive"), Encapsulator.Options.defaults().withContentMeta(SampleCommits.contentMeta()).withThreads(1));
        Digest b = export("oci-archive:" + dir.resolve("b.ociarchive"), Encapsulator.Options.defaults().withContentMeta(SampleCommits.contentMeta()).withThreads(3));
        assertEquals(a, b);
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.ociarchive")), Files.readAllBytes(dir.resolve("b.ociarchive")));
    }

    @Test
    void chunksFollowTheSourcePackages() throws Exception {
        Path oci = dir.resolve("chunked");
        export("oci:" + oci + ":v0", Encapsulator.Options.defaults().withContentMeta(SampleCommits.contentMeta()));
        ImageManifest m = manifest(oci, "v0");
        List<String> components = m.layers().stream().map(d -> d.annotations().getOrDefault("ostree.components", "<none>")).toList();
        assertEquals(List.of("<none>", "beta,beta-tools", "aptostree-unpackaged-content", "alpha", ""), components);
        OciLayout layout = OciLayout.open(oci);
        org.aptostree.ostree.oci.ImageConfig config = org.aptostree.ostree.oci.ImageConfig.parse(layout.readBlob(m.config(), 1 << 20));
        assertEquals(m.layers().size(), config.diffIds().size());
        assertEquals(config.diffIds().get(config.diffIds().size() - 1).toString(), m.annotations().get("ostree.final-diffid"));
        assertEquals(m.annotations(), config.labels());
    }

    @Test
    void aOnePackageChangeChangesOnlyItsLayers() throws Exception {
        Path oci = dir.resolve("update");
        Encapsulator.Options opts = Encapsulator.Options.defaults().withContentMeta(SampleCommits.contentMeta());
        export("oci:" + oci + ":v0", opts);
        ImageManifest before = manifest(oci, "v0");
        SampleCommits.commit(repo, "sample", 1, true);
        export("oci:" + oci + ":v1", opts.withPriorBuild(before));
        ImageManifest after = manifest(oci, "v1");
        assertEquals(before.layers().size(), after.layers().size());
        List<Boolean> same = new ArrayList<>();
        for (int i = 0; i < before.layers().size(); i++) {
            same.add(before.layers().get(i).digest().equals(after.layers().get(i).digest()));
        }
        // commit layer, betasrc (beta changed), unpackaged (the dpkg status changed), alpha, reserved
        assertEquals(List.of(false, false, false, true, true), same);
        SampleCommits.commit(repo, "sample", 0, true);
    }

    @Test
    void umociUnpacksWhatOstreeChecksOut() throws Exception {
        Requirements.tools("umoci", "ostree");
        Requirements.root(); // owners and a file capability in the unpacked trees
        Path checkout = dir.resolve("checkout");
        ExternalCommand.run("ostree", "--repo=" + repo.path(), "checkout", commit.hex(), checkout.toString());
        Map<String, String> expected = TreeListing.of(checkout, Map.of(), List.of());
        for (boolean chunked : new boolean[] {false, true}) {
            Path oci = dir.resolve("umoci-" + chunked);
            Encapsulator.Options opts = Encapsulator.Options.defaults();
            export("oci:" + oci + ":t", chunked ? opts.withContentMeta(SampleCommits.contentMeta()) : opts);
            Path bundle = dir.resolve("bundle-" + chunked);
            ExternalCommand.run("umoci", "unpack", "--image", oci + ":t", bundle.toString());
            Map<String, String> actual = TreeListing.of(bundle.resolve("rootfs"), Map.of("etc", "usr/etc"),
                    List.of("sysroot/ostree", "var/tmp"));
            assertEquals(expected, actual, chunked ? "chunked image" : "single-layer image");
        }
    }

    @Test
    void ociDirectoryKeepsOtherTags() throws Exception {
        Path oci = dir.resolve("tags");
        Digest one = export("oci:" + oci + ":one", Encapsulator.Options.defaults());
        Digest two = export("oci:" + oci + ":two", Encapsulator.Options.defaults().withLabels(Map.of("x", "y")));
        ImageIndex index = OciLayout.open(oci).readIndex();
        assertEquals(2, index.manifests().size());
        assertEquals(one, index.forTag("one").orElseThrow().digest());
        assertEquals(two, index.forTag("two").orElseThrow().digest());
        assertNotEquals(one, two);
    }
}
