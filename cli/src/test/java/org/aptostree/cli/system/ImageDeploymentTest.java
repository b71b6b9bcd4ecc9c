package org.aptostree.cli.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.aptostree.cli.system.HostFixture.Result;
import org.aptostree.ostree.container.LocalRegistry;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.oci.Descriptor;
import org.aptostree.ostree.oci.ImageManifest;
import org.aptostree.ostree.oci.OciLayout;
import org.aptostree.ostree.repo.Repository;
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
 * A host that follows a container image, as rpm-ostree's container tests check it: {@code rebase} to an image in an
 * OCI directory and in Debian's docker-registry, {@code upgrade} fetching only the layers that changed, {@code status}
 * with the image reference and the manifest digest, packages layered on the image's commit, commits verified with the
 * ostree remote's keys ({@code ostree-remote-registry:}), {@code ostree-image-signed:} refused, and a first deployment
 * with {@code ostree container image deploy}; the real {@code ostree admin status} and {@code ostree fsck} read each
 * result. The images are the served small bases, encapsulated. The tests build on each other, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImageDeploymentTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HostFixture host;
    private LocalRegistry registry;
    private Path work;
    private Path images;
    private String small;
    private String smallNext;

    @BeforeAll
    void setUp() throws Exception {
        // Under CI=true a missing mirror, tool or root fails the class, elsewhere it skips it.
        Requirements.root(); // deployments
        Requirements.tools("docker-registry", "ostree");
        Path mirror = DebianData.mirror();
        work = Files.createTempDirectory(Path.of("/var/tmp"), "image-deployment-test");
        host = HostFixture.create(work, mirror, DebianData.keyring(),
                HostFixture.SMALL);
        registry = LocalRegistry.start(Files.createDirectories(work.resolve("registry")), "");
        images = work.resolve("images");
        Repository served = Repository.open(host.served.repo);
        small = served.refs().resolve(HostFixture.SMALL).orElseThrow().hex();
        smallNext = served.refs().resolve(HostFixture.SMALL_NEXT).orElseThrow().hex();
        encapsulate(small, "oci:" + images + ":v1");
    }

    @AfterAll
    void tearDown() throws Exception {
        if (registry != null) {
            registry.close();
        }
        if (host != null) {
            host.close();
        }
    }

    /**
     * The served bases carry a stand-in kernel and are committed as not bootable (no initramfs could boot them), so the
     * images say they are, as a bootable base's commit would make them say.
     */
    private static final String BOOTABLE = "--label=ostree.bootable=true";

    private void encapsulate(String commit, String dest, String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("ostree", "--repo=" + host.served.repo, "container", "encapsulate", BOOTABLE));
        args.addAll(List.of(extra));
        args.addAll(List.of(commit, dest));
        HostFixture.cli(args.toArray(String[]::new));
    }

    private String registryImage() {
        return registry.host() + "/debian/small:stable";
    }

    private JsonNode defaultDeployment() throws Exception {
        Result r = host.verb("status", "--json");
        assertEquals(0, r.code(), r.err());
        return JSON.readTree(r.out()).get("deployments").get(0);
    }

    private static Result ok(Result r) {
        assertEquals(0, r.code(), r.err() + r.out());
        return r;
    }

    private Repository sysrootRepo() throws Exception {
        return Repository.open(host.sysroot.resolve("ostree/repo"));
    }

    private Set<String> layerRefs() throws Exception {
        return sysrootRepo().refs().listLocal().keySet().stream().filter(r -> r.startsWith("ostree/container/blob/"))
                .collect(Collectors.toCollection(HashSet::new));
    }

    private void realOstreeAgrees() throws Exception {
        String status = HostFixture.run(List.of("ostree", "admin", "status", "--sysroot=" + host.sysroot));
        assertTrue(status.contains("debian "), status);
        String fsck = HostFixture.run(List.of("ostree", "--repo=" + host.sysroot.resolve("ostree/repo"), "fsck"));
        assertTrue(fsck.contains("no errors"), fsck);
    }

    private static String manifestDigest(Path layout, String tag) throws Exception {
        return OciLayout.open(layout).readIndex().forTag(tag).orElseThrow().digest().toString();
    }

    @Test
    @Order(1)
    void rebaseToAnImageInAnOciDirectory() throws Exception {
        String imgref = "ostree-unverified-image:oci:" + images + ":v1";
        ok(host.verb("rebase", imgref));
        JsonNode d = defaultDeployment();
        assertEquals(imgref, d.get("container-image-reference").asText());
        assertEquals(manifestDigest(images, "v1"), d.get("container-image-reference-digest").asText());
        Commit merge = sysrootRepo().readCommit(ObjectId.fromHex(d.get("checksum").asText()));
        assertEquals(small, merge.parent().orElseThrow().hex(), "the image's merge commit has the encapsulated commit as parent");
        assertEquals(manifestDigest(images, "v1"), merge.metadata().getString("ostree.manifest-digest").orElseThrow());
        Path deployment = host.deployment();
        String origin = Files.readString(deployment.resolveSibling(deployment.getFileName() + ".origin"));
        assertTrue(origin.contains("container-image-reference=" + imgref), origin);
        assertFalse(origin.contains("refspec="), origin);
        realOstreeAgrees();
    }

    @Test
    @Order(2)
    void rebaseToTheSameImageInARegistryFetchesNothing() throws Exception {
        encapsulate(small, "docker://" + registryImage());
        Set<String> before = layerRefs();
        ok(host.verb("rebase", "ostree-unverified-registry:" + registryImage()));
        assertEquals(before, layerRefs(), "every layer was stored already");
        JsonNode d = defaultDeployment();
        assertEquals("ostree-unverified-registry:" + registryImage(), d.get("container-image-reference").asText());
        assertEquals(manifestDigest(images, "v1"), d.get("container-image-reference-digest").asText(), "encapsulating is reproducible");
        String text = ok(host.verb("status")).out();
        assertTrue(text.contains("debian:ostree-unverified-registry:" + registryImage()), text);
        assertTrue(text.contains("Digest: " + manifestDigest(images, "v1")), text);
        realOstreeAgrees();
    }

    @Test
    @Order(3)
    void upgradeFetchesOnlyTheLayersThatChanged() throws Exception {
        OciLayout layout = OciLayout.open(images);
        ImageManifest v1 = ImageManifest.parse(layout.readBlob(layout.readIndex().forTag("v1").orElseThrow(), ImageManifest.MAX_SIZE));
        Path previous = work.resolve("v1-manifest.json");
        Files.write(previous, v1.canonicalBytes());
        encapsulate(smallNext, "oci:" + images + ":v2", "--previous-build-manifest=" + previous);
        encapsulate(smallNext, "docker://" + registryImage(), "--previous-build-manifest=" + previous);
        ImageManifest v2 = ImageManifest.parse(layout.readBlob(layout.readIndex().forTag("v2").orElseThrow(), ImageManifest.MAX_SIZE));
        Set<String> changed = v2.layers().stream().map(Descriptor::digest).filter(g -> v1.layers().stream().noneMatch(l -> l.digest().equals(g)))
                .map(g -> "ostree/container/blob/sha256_3A_" + g.hex()).collect(Collectors.toSet());
        assertTrue(!changed.isEmpty() && changed.size() < v2.layers().size(), "one package changed: " + changed.size() + " of "
                + v2.layers().size() + " layers differ");

        Set<String> before = layerRefs();
        ok(host.verb("upgrade"));
        Set<String> added = new HashSet<>(layerRefs());
        added.removeAll(before);
        assertEquals(changed, added, "the upgrade stored exactly the changed layers");
        JsonNode d = defaultDeployment();
        assertEquals(manifestDigest(images, "v2"), d.get("container-image-reference-digest").asText());
        assertEquals(smallNext, sysrootRepo().readCommit(ObjectId.fromHex(d.get("checksum").asText())).parent().orElseThrow().hex());
        assertTrue(Files.exists(host.deployment().resolve("usr/share/base-extra/readme")));
        realOstreeAgrees();

        Result again = ok(host.verb("upgrade"));
        assertTrue(again.out().contains("No upgrade available."), again.out());
    }

    @Test
    @Order(4)
    void packagesLayerOnTheImage() throws Exception {
        String image = defaultDeployment().get("checksum").asText();
        ok(host.verb("install", "hello-layer"));
        JsonNode d = defaultDeployment();
        assertEquals(List.of("hello-layer"), List.of(d.get("requested-packages").get(0).asText()));
        assertEquals(image, d.get("base-checksum").asText(), "the image's merge commit is the base");
        assertEquals("ostree-unverified-registry:" + registryImage(), d.get("container-image-reference").asText());
        assertEquals(manifestDigest(images, "v2"), d.get("container-image-reference-digest").asText());
        Path deployment = host.deployment();
        String origin = Files.readString(deployment.resolveSibling(deployment.getFileName() + ".origin"));
        assertTrue(origin.contains("container-image-reference=ostree-unverified-registry:" + registryImage())
                && origin.contains("requested=hello-layer;"), origin);
        String dpkg = HostFixture.run(List.of("dpkg", "--root=" + deployment, "--admindir=" + deployment.resolve("usr/lib/sysimage/dpkg"),
                "-l", "hello-layer"));
        assertTrue(dpkg.lines().anyMatch(l -> l.startsWith("ii  hello-layer")), dpkg);
        Result again = ok(host.verb("upgrade"));
        assertTrue(again.out().contains("No upgrade available."), again.out());
        realOstreeAgrees();
    }

    @Test
    @Order(5)
    void containerPolicySignaturesAreRefusedWithAReason() throws Exception {
        String before = defaultDeployment().get("id").asText();
        Result r = host.verb("rebase", "ostree-image-signed:docker://" + registryImage());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("ostree-image-signed: (containers-policy signature verification) is not supported yet"), r.err());
        assertEquals(before, defaultDeployment().get("id").asText());
    }

    @Test
    @Order(6)
    void theOstreeRemoteVerifiesTheImagesCommit() throws Exception {
        Path repo = work.resolve("verifying-repo");
        HostFixture.cli("ostree", "--repo=" + repo, "init", "--mode=bare-user");
        HostFixture.cli("ostree", "--repo=" + repo, "remote", "add", "--set=gpgkeypath=" + host.served.work.resolve("base.pub.gpg"), "origin",
                host.served.url("ostree").toString());
        Result signed = HostFixture.apt("ostree", "container", "image", "pull", repo.toString(), "ostree-remote-image:origin:oci:" + images + ":v1");
        assertEquals(0, signed.code(), signed.err());
        assertTrue(signed.out().contains("Signature by ") && signed.out().contains(" is good"), signed.out());

        // The same commit without its signature.
        Path unsigned = work.resolve("unsigned");
        HostFixture.run(List.of("ostree", "--repo=" + unsigned, "init", "--mode=archive"));
        HostFixture.run(List.of("ostree", "--repo=" + unsigned, "pull-local", host.served.repo.toString(), small));
        Files.delete(unsigned.resolve("objects").resolve(small.substring(0, 2)).resolve(small.substring(2) + ".commitmeta"));
        HostFixture.cli("ostree", "--repo=" + unsigned, "container", "encapsulate", BOOTABLE, small, "oci:" + images + ":unsigned");
        Path fresh = work.resolve("verifying-repo-2");
        HostFixture.cli("ostree", "--repo=" + fresh, "init", "--mode=bare-user");
        HostFixture.cli("ostree", "--repo=" + fresh, "remote", "add", "--set=gpgkeypath=" + host.served.work.resolve("base.pub.gpg"), "origin",
                host.served.url("ostree").toString());
        Result refused = HostFixture.apt("ostree", "container", "image", "pull", fresh.toString(),
                "ostree-remote-image:origin:oci:" + images + ":unsigned");
        assertNotEquals(0, refused.code());
        assertTrue(refused.err().contains("Expected commitmeta object"), refused.err());
        Result list = HostFixture.apt("ostree", "container", "image", "list", "--repo=" + fresh);
        assertEquals("", list.out(), "no image was stored");

        // On a host, through the remote the host already has.
        ok(host.verb("rebase", "ostree-remote-registry:origin:" + registryImage()));
        assertEquals("ostree-remote-image:origin:docker://" + registryImage(), defaultDeployment().get("container-image-reference").asText());
    }

    @Test
    @Order(7)
    void aFirstDeploymentFromAnImage() throws Exception {
        Path sysroot = work.resolve("fresh-sysroot");
        HostFixture.cli("ostree", "admin", "init-fs", "--modern", sysroot.toString());
        String imgref = "ostree-unverified-image:oci:" + images + ":v2";
        Path commitFile = work.resolve("deployed-commit");
        try {
            firstDeployment(sysroot, imgref, commitFile);
        } finally {
            // The deployment's root is immutable (as ostree makes it); the work directory is removed after the class.
            new ProcessBuilder("chattr", "-R", "-f", "-i", sysroot.toString()).start().waitFor();
        }
    }

    private void firstDeployment(Path sysroot, String imgref, Path commitFile) throws Exception {
        Result r = HostFixture.apt("ostree", "container", "image", "deploy", "--sysroot=" + sysroot, "--stateroot=debian",
                "--imgref=" + imgref, "--karg=console=ttyS0", "--write-commitid-to=" + commitFile);
        assertEquals(0, r.code(), r.err() + r.out());
        String status = HostFixture.run(List.of("ostree", "admin", "status", "--sysroot=" + sysroot));
        assertTrue(status.contains("debian " + Files.readString(commitFile).strip()), status);
        Result json = HostFixture.apt("status", "--json", "--sysroot=" + sysroot);
        JsonNode d = JSON.readTree(json.out()).get("deployments").get(0);
        assertEquals(imgref, d.get("container-image-reference").asText());
        assertEquals(manifestDigest(images, "v2"), d.get("container-image-reference-digest").asText());
        String list = ok(HostFixture.apt("ostree", "container", "image", "list", "--repo=" + sysroot.resolve("ostree/repo"))).out();
        assertEquals("oci:" + images + ":v2\n", list);
        Result prune = ok(HostFixture.apt("ostree", "container", "image", "prune-images", "--sysroot=" + sysroot));
        assertEquals("No unreferenced images.\n", prune.out());
    }
}
