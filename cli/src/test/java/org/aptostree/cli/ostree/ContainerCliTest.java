package org.aptostree.cli.ostree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.aptostree.cli.InProcessCli;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The container verbs as a user runs them, on small trees committed and encapsulated by the CLI:
 * {@code ostree container lint} on root file systems and images that pass and that break each rule (every finding
 * names its path), and the {@code ostree container image} verbs other tests do not run ({@code pull --check},
 * {@code history}, {@code metadata}, {@code remove}, {@code prune-layers}, {@code prune-images}); {@code skopeo}
 * and the real {@code ostree} read what is made.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KVER = "6.1.0-1-amd64";

    private Path work;
    private Path source;
    private Path images;
    private String goodCommit;

    record Run(int exit, String out, String err) {
        Run ok() {
            assertEquals(0, exit, "exit " + exit + "\n" + out + err);
            return this;
        }
    }

    /** {@code apt-ostree ARGS} in this JVM, its output captured. */
    private static Run cli(String... args) {
        InProcessCli.Result r = InProcessCli.run(args);
        return new Run(r.code(), r.out(), r.err());
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    /** A root file system every lint accepts, with /etc where an image has it (usrEtc: where a commit has it). */
    private Path goodRoot(String name, boolean usrEtc) throws IOException {
        Path r = work.resolve(name);
        for (String d : List.of("dev", "proc", "sys", "run", "tmp", "boot", "sysroot", usrEtc ? "usr/etc" : "etc", "var/lib/app",
                "usr/lib/modules/" + KVER, "usr/lib/tmpfiles.d", "usr/lib/ostree", "usr/bin")) {
            Files.createDirectories(r.resolve(d));
        }
        Files.createSymbolicLink(r.resolve("ostree"), Path.of("sysroot/ostree"));
        Files.createSymbolicLink(r.resolve("var/run"), Path.of("../run"));
        Files.writeString(r.resolve("usr/lib/modules/" + KVER + "/vmlinuz"), "kernel");
        Files.writeString(r.resolve("usr/lib/modules/" + KVER + "/initramfs.img"), "initramfs");
        Files.writeString(r.resolve(usrEtc ? "usr/etc/hostname" : "etc/hostname"), "host\n");
        Files.writeString(r.resolve("usr/bin/hello"), "#!/bin/sh\necho hello\n");
        Files.writeString(r.resolve("usr/lib/ostree/prepare-root.conf"), "[composefs]\nenabled = yes\n");
        Files.writeString(r.resolve("usr/lib/tmpfiles.d/var.conf"), "L /var/run - - - - ../run\nd /var/lib 0755 - - -\nd /var/lib/app 0755 root root -\n");
        return r;
    }

    /** The same tree breaking the kernel, /boot and /var rules: no kernel under /usr/lib/modules, one in /boot, /var content. */
    private void breakRules(Path r) throws IOException {
        Files.delete(r.resolve("usr/lib/modules/" + KVER + "/vmlinuz"));
        Files.writeString(r.resolve("boot/vmlinuz-" + KVER), "kernel in /boot");
        Files.createDirectories(r.resolve("var/lib/stray"));
        Files.writeString(r.resolve("var/lib/stray/state"), "x");
    }

    private String commit(String branch, Path tree) throws Exception {
        Run r = cli("ostree", "--repo=" + source, "commit", "-b", branch, "--tree=dir=" + tree, "--owner-uid=0", "--owner-gid=0").ok();
        return r.out().strip();
    }

    @BeforeAll
    void setUp() throws Exception {
        Requirements.tools("ostree", "skopeo");
        work = Files.createTempDirectory(Path.of("/var/tmp"), "container-cli-test");
        source = work.resolve("source");
        images = work.resolve("images");
        cli("ostree", "--repo=" + source, "init", "--mode=archive").ok();
        goodCommit = commit("good", goodRoot("good-commit", true));
        Path bad = goodRoot("bad-commit", true);
        breakRules(bad);
        commit("bad", bad);
        cli("ostree", "--repo=" + source, "container", "encapsulate", "--label=containers.bootc=1", "good", "oci:" + images + ":v1").ok();
        cli("ostree", "--repo=" + source, "container", "encapsulate", "bad", "oci:" + images + ":unlabelled").ok();
    }

    @AfterAll
    void tearDown() throws Exception {
        if (work != null) {
            run("rm", "-rf", work.toString());
        }
    }

    private static Set<String> findingNames(String out) {
        return out.lines().filter(l -> l.startsWith("Failed lint: ") || l.startsWith("Lint warning: "))
                .map(l -> l.substring(l.indexOf(": ") + 2, l.indexOf(": ", l.indexOf(": ") + 2))).collect(Collectors.toSet());
    }

    @Test
    void lintPassesARootfsThatFollowsTheRules() throws Exception {
        Run r = cli("ostree", "container", "lint", "--rootfs", goodRoot("good-rootfs", false).toString()).ok();
        assertEquals("Checks passed: 12\n", r.out());
    }

    @Test
    void lintNamesThePathOfEachFindingAndFailsOnFatalOnes() throws Exception {
        Path r = goodRoot("bad-rootfs", false);
        breakRules(r);
        Run run = cli("ostree", "container", "lint", "--rootfs", r.toString());
        assertEquals(1, run.exit(), run.out() + run.err());
        assertEquals(Set.of("kernel", "nonempty-boot", "var-tmpfiles"), findingNames(run.out()), run.out());
        assertTrue(run.out().contains("Failed lint: kernel: No kernel found: expected /usr/lib/modules/$kver/vmlinuz (there is one in /boot,"
                + " which is not used)"), run.out());
        assertTrue(run.out().contains("Lint warning: nonempty-boot: Found non-empty /boot:\n  vmlinuz-" + KVER + "\n"), run.out());
        assertTrue(run.out().contains("/var/lib/stray"), "the /var path without tmpfiles.d: " + run.out());
        assertFalse(run.out().contains("/var/lib/app"), "declared in tmpfiles.d");
        assertTrue(run.out().contains("Checks passed: 9\n") && run.out().contains("Warnings: 2\n"), run.out());
        assertEquals("error: Checks failed: 1\n", run.err());

        Run fatalWarnings = cli("ostree", "container", "lint", "--fatal-warnings", "--rootfs", r.toString());
        assertEquals("error: Checks failed: 3\n", fatalWarnings.err());
        Run skipped = cli("ostree", "container", "lint", "--skip=kernel", "--rootfs", r.toString()).ok();
        assertTrue(skipped.out().contains("Checks skipped: 1\n"), skipped.out());
        assertFalse(findingNames(skipped.out()).contains("kernel"));

        Run both = cli("ostree", "container", "lint", "--rootfs", r.toString(), "oci:" + images + ":v1");
        assertEquals(1, both.exit());
        assertTrue(both.err().contains("give an IMAGE or --rootfs, not both"), both.err());
    }

    @Test
    void lintReadsAnImageAsItsCommitAndItsLabels() throws Exception {
        Run good = cli("ostree", "container", "lint", "oci:" + images + ":v1").ok();
        assertEquals("Checks passed: 13\n", good.out(), "the rootfs rules and the label rule");

        Run bad = cli("ostree", "container", "lint", "oci:" + images + ":unlabelled");
        assertEquals(1, bad.exit(), bad.out() + bad.err());
        assertEquals(Set.of("bootable-labels", "kernel", "nonempty-boot", "var-tmpfiles"), findingNames(bad.out()), bad.out());
        assertTrue(bad.out().contains("Failed lint: bootable-labels: The image has neither the containers.bootc nor the ostree.bootable label"),
                bad.out());
        assertTrue(bad.out().contains("/var/lib/stray") && bad.out().contains("vmlinuz-" + KVER), bad.out());
        assertEquals("error: Checks failed: 2\n", bad.err());
    }

    private static String sha256(byte[] b) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private Set<String> blobRefs(Path repo) throws Exception {
        try (Stream<Path> s = Files.walk(repo.resolve("refs/heads/ostree/container/blob"))) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    @Test
    void imageVerbsListShowAndRemoveWhatWasPulled() throws Exception {
        Path repo = work.resolve("pulled");
        cli("ostree", "--repo=" + repo, "init", "--mode=archive").ok();
        String imgref = "ostree-unverified-image:oci:" + images + ":v1";
        Run pull = cli("ostree", "container", "image", "pull", repo.toString(), imgref).ok();
        String merge = pull.out().lines().filter(l -> l.startsWith("Wrote: ")).findFirst().orElseThrow().replaceAll(".* => ", "");
        assertTrue(run("ostree", "--repo=" + repo, "fsck").contains("no errors"));
        assertEquals(goodCommit, run("ostree", "--repo=" + repo, "rev-parse", merge + "^").strip(), "the merge commit's parent");

        assertEquals("oci:" + images + ":v1\n", cli("ostree", "--repo=" + repo, "container", "image", "list").ok().out());

        // metadata: the manifest and the config as stored, byte for byte what the layout holds.
        JsonNode index = JSON.readTree(images.resolve("index.json").toFile());
        String manifestDigest = null;
        for (JsonNode m : index.get("manifests")) {
            if ("v1".equals(m.path("annotations").path("org.opencontainers.image.ref.name").asText())) {
                manifestDigest = m.get("digest").asText();
            }
        }
        Run manifest = cli("ostree", "--repo=" + repo, "container", "image", "metadata", "oci:" + images + ":v1").ok();
        assertEquals(manifestDigest, sha256(manifest.out().getBytes(StandardCharsets.UTF_8)));
        JsonNode m = JSON.readTree(manifest.out());
        Run config = cli("ostree", "--repo=" + repo, "container", "image", "metadata", "--config", "oci:" + images + ":v1").ok();
        assertEquals(m.get("config").get("digest").asText(), sha256(config.out().getBytes(StandardCharsets.UTF_8)));
        assertEquals("1", JSON.readTree(config.out()).get("config").get("Labels").get("containers.bootc").asText());
        JsonNode inspected = JSON.readTree(run("skopeo", "inspect", "oci:" + images + ":v1"));
        assertEquals(manifestDigest, inspected.get("Digest").asText());

        // history: a header and one row per layer, each naming the layer by its digest.
        List<String> rows = cli("ostree", "--repo=" + repo, "container", "image", "history", "oci:" + images + ":v1").ok().out().lines().toList();
        assertTrue(rows.get(0).matches("ID +SIZE +CREATED BY"), rows.get(0));
        assertEquals(m.get("layers").size(), rows.size() - 1, String.join("\n", rows));
        for (int i = 0; i < m.get("layers").size(); i++) {
            JsonNode layer = m.get("layers").get(i);
            String row = rows.get(i + 1);
            assertTrue(row.startsWith(layer.get("digest").asText().substring("sha256:".length(), "sha256:".length() + 20)), row);
            assertTrue(row.contains(" " + layer.get("size").asText() + " "), row);
        }
        Run unknown = cli("ostree", "--repo=" + repo, "container", "image", "history", "oci:" + images + ":nope");
        assertEquals(1, unknown.exit());
        assertTrue(unknown.err().contains("No such image: oci:" + images + ":nope"), unknown.err());

        // remove: the image ref goes, and with it (gc) the layers no other image uses; a second remove finds nothing.
        Set<String> layers = blobRefs(repo);
        assertEquals(m.get("layers").size(), layers.size());
        Run removed = cli("ostree", "--repo=" + repo, "container", "image", "remove", "oci:" + images + ":v1").ok();
        assertEquals("Removed images: 1 layers: " + layers.size() + "\n", removed.out());
        assertEquals("", cli("ostree", "--repo=" + repo, "container", "image", "list").ok().out());
        assertEquals(Set.of(), blobRefs(repo));
        Run again = cli("ostree", "--repo=" + repo, "container", "image", "remove", "oci:" + images + ":v1");
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("Missing images: oci:" + images + ":v1"), again.err());
    }

    @Test
    void removeWithoutGcLeavesTheLayersToPruneLayers() throws Exception {
        Path repo = work.resolve("pruned");
        cli("ostree", "--repo=" + repo, "init", "--mode=archive").ok();
        cli("ostree", "container", "image", "pull", "--quiet", repo.toString(), "ostree-unverified-image:oci:" + images + ":v1").ok();
        int layers = blobRefs(repo).size();
        assertEquals("Removed images: 1\n", cli("ostree", "--repo=" + repo, "container", "image", "remove", "--skip-gc", "oci:" + images + ":v1")
                .ok().out());
        assertEquals(layers, blobRefs(repo).size(), "--skip-gc keeps the layer refs");
        assertEquals("Removed layers: " + layers + "\n", cli("ostree", "--repo=" + repo, "container", "image", "prune-layers").ok().out());
        assertEquals("Removed layers: 0\n", cli("ostree", "--repo=" + repo, "container", "image", "prune-layers").ok().out());
    }

    @Test
    void pullCheckWritesTheNewManifestAndFetchesNoLayer() throws Exception {
        Path layout = work.resolve("updates");
        cli("ostree", "--repo=" + source, "container", "encapsulate", "good", "oci:" + layout + ":latest").ok();
        Path repo = work.resolve("checked");
        cli("ostree", "--repo=" + repo, "init", "--mode=archive").ok();
        String imgref = "ostree-unverified-image:oci:" + layout + ":latest";
        cli("ostree", "container", "image", "pull", "--quiet", repo.toString(), imgref).ok();
        Set<String> before = blobRefs(repo);

        Path check = work.resolve("check.json");
        Run same = cli("ostree", "container", "image", "pull", "--check=" + check, repo.toString(), imgref).ok();
        assertTrue(same.out().startsWith("No changes in " + imgref + " => "), same.out());
        assertFalse(Files.exists(check), "nothing to write when the image is the one stored");

        cli("ostree", "--repo=" + source, "container", "encapsulate", "bad", "oci:" + layout + ":latest").ok();
        Run newer = cli("ostree", "container", "image", "pull", "--check=" + check, repo.toString(), imgref).ok();
        String digest = newer.out().strip().replaceAll(".*: ", "");
        assertEquals("Update available for " + imgref + ": " + digest, newer.out().strip());
        assertEquals(digest, sha256(Files.readAllBytes(check)), "the new manifest, as published");
        assertEquals(digest, JSON.readTree(run("skopeo", "inspect", "oci:" + layout + ":latest")).get("Digest").asText());
        assertEquals(before, blobRefs(repo), "no layer was fetched");
    }

    /** The sysroot's repository is bare: its symlink objects are symlinks, which point nowhere (prune once failed on them). */
    @Test
    void pruneImagesKeepsOnlyWhatDeploymentsFollow() throws Exception {
        Path sysroot = work.resolve("sysroot");
        cli("ostree", "admin", "init-fs", "--modern", sysroot.toString()).ok();
        cli("ostree", "admin", "os-init", "--sysroot=" + sysroot, "debian").ok();
        Path repo = sysroot.resolve("ostree/repo");
        cli("ostree", "container", "image", "pull", "--quiet", repo.toString(), "ostree-unverified-image:oci:" + images + ":v1").ok();
        cli("ostree", "container", "image", "pull", "--quiet", repo.toString(), "ostree-unverified-image:oci:" + images + ":unlabelled").ok();

        Run conflict = cli("ostree", "container", "image", "prune-images", "--sysroot=" + sysroot, "--and-layers", "--full");
        assertEquals(1, conflict.exit());
        assertTrue(conflict.err().contains("--and-layers and --full cannot be used together"), conflict.err());

        List<String> out = new ArrayList<>(cli("ostree", "container", "image", "prune-images", "--sysroot=" + sysroot, "--full").ok().out()
                .lines().toList());
        assertEquals("Removed images: 2", out.get(0), String.join("\n", out));
        assertTrue(out.get(1).matches("Removed layers: [1-9][0-9]*"), out.get(1));
        assertTrue(out.get(2).matches("Removed objects: [1-9][0-9]*"), out.get(2));
        assertEquals("", cli("ostree", "--repo=" + repo, "container", "image", "list").ok().out());
        assertTrue(run("ostree", "--repo=" + repo, "fsck").contains("no errors"));
        assertEquals("No unreferenced images.\n", cli("ostree", "container", "image", "prune-images", "--sysroot=" + sysroot).ok().out());
    }
}
