package org.aptostree.cli.compose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.aptostree.fixtures.cpio.CpioBuilder;
import org.aptostree.fixtures.deb.DebBuilder;
import org.aptostree.fixtures.deb.RepositoryBuilder;
import org.aptostree.fixtures.deb.SigningKey;
import org.aptostree.ostree.sysroot.EffectiveUser;
import org.aptostree.testkit.DebianData;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code apt-ostree compose image}: a small treefile (trixie's Essential set and mawk from the real signed mirror, plus a
 * synthetic kernel whose initramfs starts ostree-prepare-root and a synthetic package, both from a signed local APT
 * repository) straight to an image, offline and as the unprivileged user {@code nobody} when the tests run as root;
 * {@code skopeo inspect} reads the labels and annotations of the oci-archive and the oci directory made from it, which
 * have the same digest, as has the image root encapsulates from the same commit; a second run on the same input
 * leaves the image as it is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeImageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EPOCH = "1763000000";
    private static final String REF = "debian/test/image";
    private static final String KVER = "0.0.0-image";

    private Path work;
    private Path treefile;
    private Path cache;
    private boolean asNobody;
    private Path classpath;
    private String archiveDigest;

    @BeforeAll
    void setUp() throws Exception {
        Requirements.tools("bwrap", "ostree", "skopeo", "setpriv");
        Path mirror = DebianData.mirror();
        Path keyring = DebianData.keyring();
        work = Files.createTempDirectory(Path.of("/var/tmp"), "compose-image-test");
        Files.setAttribute(work, "unix:mode", 0777);
        asNobody = EffectiveUser.isRoot();
        if (asNobody) {
            classpath = work.resolve("classpath");
            Files.createDirectories(classpath);
            int i = 0;
            for (String entry : System.getProperty("java.class.path").split(":")) {
                Path source = Path.of(entry);
                run(List.of("cp", "-a", source.toString(), classpath.resolve(i++ + "-" + source.getFileName()).toString()));
            }
        }
        SigningKey key = SigningKey.fromSeed(16);
        Path local = new RepositoryBuilder("local", "amd64", key).add("main", kernelPackage())
                .add("main", new DebBuilder("hello-image", "1.0-1", "all").file("usr/share/hello-image/greeting", "hello from an image\n").build())
                .write(work.resolve("local-repo"));
        Path localKeyring = work.resolve("local.gpg");
        Files.write(localKeyring, key.publicKeyring());
        treefile = work.resolve("image.yaml");
        Files.writeString(treefile, "ref: " + REF + "\nvariant: essential\npackages: [mawk, linux-image-" + KVER + ", hello-image]\n"
                + "sources: |\n  Types: deb\n  URIs: copy://" + mirror + "\n  Suites: trixie\n  Components: main\n  Signed-By: " + keyring
                + "\n\n  Types: deb\n  URIs: file://" + local + "\n  Suites: local\n  Components: main\n  Signed-By: " + localKeyring + "\n");
        cache = Files.createDirectories(work.resolve("cache"));
        run(List.of("chmod", "-R", "a+rwX", work.toString()));
    }

    @AfterAll
    void tearDown() throws Exception {
        if (work != null) {
            run(List.of("rm", "-rf", work.toString()));
        }
    }

    /**
     * A kernel package as Debian lays one out, whose initramfs (as dracut's ostree module makes it) has
     * ostree-prepare-root and starts its unit: the compose marks the tree bootable.
     */
    private static byte[] kernelPackage() {
        CpioBuilder initramfs = new CpioBuilder();
        for (String d : List.of(".", "usr", "usr/lib", "usr/lib/ostree", "usr/lib/systemd", "usr/lib/systemd/system",
                "usr/lib/systemd/system/initrd-root-fs.target.wants")) {
            initramfs.directory(d);
        }
        initramfs.file("usr/lib/ostree/ostree-prepare-root", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), 0755)
                .file("usr/lib/systemd/system/ostree-prepare-root.service", "[Service]\nExecStart=/usr/lib/ostree/ostree-prepare-root\n")
                .symlink("usr/lib/systemd/system/initrd-root-fs.target.wants/ostree-prepare-root.service", "../ostree-prepare-root.service")
                .file("init", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), 0755);
        return new DebBuilder("linux-image-" + KVER, "1.0-1", "amd64").file("boot/vmlinuz-" + KVER, new byte[] {'M', 'Z'}, 0644)
                .file("boot/initrd.img-" + KVER, initramfs.build(), 0644).build();
    }

    private record Result(int exitCode, String output) {
    }

    /** {@code apt-ostree ARGS} in a JVM of its own, as nobody when {@code unprivileged} and the tests run as root. */
    private Result cli(boolean unprivileged, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        boolean nobody = unprivileged && asNobody;
        if (nobody) {
            cmd.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                nobody ? classpath + "/*:" + classpathDirectories() : System.getProperty("java.class.path"), "org.aptostree.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SOURCE_DATE_EPOCH", EPOCH);
        pb.environment().put("HOME", work.toString());
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    /** Copied class directories go on the class path by name (a wildcard only picks up jars). */
    private String classpathDirectories() throws IOException {
        try (var s = Files.list(classpath)) {
            return String.join(":", s.filter(Files::isDirectory).map(Path::toString).sorted().toList());
        }
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed:\n" + out);
        }
        return out;
    }

    private static JsonNode inspect(String image, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("skopeo", "inspect"));
        cmd.addAll(List.of(extra));
        cmd.add(image);
        return JSON.readTree(run(cmd));
    }

    private static String ostree(Path repo, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ostree", "--repo=" + repo));
        cmd.addAll(List.of(args));
        return run(cmd).strip();
    }

    @Test
    @Order(1)
    void composesAnOciArchiveOfflineAndUnprivilegedWithTheBootcLabels() throws Exception {
        Path archive = work.resolve("image.ociarchive");
        Result r = cli(true, "compose", "image", "--initialize", "--offline", "--format=ociarchive", "--cachedir=" + cache, treefile.toString(),
                archive.toString());
        assertEquals(0, r.exitCode(), r.output());
        if (asNobody) {
            assertEquals("nobody", Files.getOwner(archive).getName(), "made by the unprivileged user");
        }
        String commit = ostree(cache.resolve("repo"), "rev-parse", REF);
        assertTrue(ostree(cache.resolve("repo"), "fsck").contains("no errors"));

        JsonNode image = inspect("oci-archive:" + archive);
        JsonNode labels = image.get("Labels");
        assertEquals(commit, labels.get("ostree.commit").asText());
        assertEquals("true", labels.get("ostree.bootable").asText(), labels.toString());
        assertEquals("1", labels.get("containers.bootc").asText(), labels.toString());
        assertEquals(KVER, labels.get("ostree.linux").asText(), labels.toString());
        assertTrue(labels.get("ostree.final-diffid").asText().startsWith("sha256:"), labels.toString());
        assertTrue(labels.has("aptostree.inputhash"), labels.toString());
        assertTrue(image.get("Layers").size() > 2, "chunked by package: " + image.get("Layers"));
        assertEquals("amd64", image.get("Architecture").asText());

        JsonNode manifest = inspect("oci-archive:" + archive, "--raw");
        JsonNode annotations = manifest.get("annotations");
        for (String label : List.of("ostree.commit", "ostree.bootable", "containers.bootc", "ostree.linux", "ostree.final-diffid")) {
            assertEquals(labels.get(label), annotations.get(label), "manifest annotation " + label);
        }
        JsonNode config = inspect("oci-archive:" + archive, "--config");
        assertEquals(image.get("Layers").size(), config.get("history").size(), "one history entry per layer");
        archiveDigest = image.get("Digest").asText();
    }

    @Test
    @Order(2)
    void theOciFormatGivesTheSameImageFromTheSameCommit() throws Exception {
        Path dir = work.resolve("image-oci");
        Result r = cli(true, "compose", "image", "--initialize", "--offline", "--format=oci", "--cachedir=" + cache, treefile.toString(),
                dir.toString());
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(Files.isRegularFile(dir.resolve("index.json")) && Files.isRegularFile(dir.resolve("oci-layout")));
        JsonNode image = inspect("oci:" + dir);
        assertEquals(archiveDigest, image.get("Digest").asText(), "the same commit gives the same image");
        assertEquals("true", image.get("Labels").get("ostree.bootable").asText());
    }

    @Test
    @Order(4)
    void rootEncapsulatingTheSameCommitGetsTheUnprivilegedUsersDigest() throws Exception {
        Path dir = work.resolve("image-root");
        // In this JVM, as root when the tests run as root.
        assertEquals(0, org.aptostree.cli.Main.execute("ostree", "--repo=" + cache.resolve("repo"), "container", "encapsulate", REF, "oci:" + dir));
        assertEquals(archiveDigest, inspect("oci:" + dir).get("Digest").asText());
    }

    @Test
    @Order(3)
    void theSameInputLeavesTheImageAsItIs() throws Exception {
        Path archive = work.resolve("image.ociarchive");
        byte[] before = Files.readAllBytes(archive);
        Result r = cli(true, "compose", "image", "--offline", "--format=ociarchive", "--cachedir=" + cache, treefile.toString(),
                archive.toString());
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("No changes in input"), r.output());
        assertArrayEquals(before, Files.readAllBytes(archive));
        Result missing = cli(true, "compose", "image", "--offline", "--cachedir=" + cache, treefile.toString(),
                work.resolve("nothing-here.ociarchive").toString());
        assertEquals(1, missing.exitCode(), missing.output());
        assertTrue(missing.output().contains("use --initialize for the first build"), missing.output());
    }
}
