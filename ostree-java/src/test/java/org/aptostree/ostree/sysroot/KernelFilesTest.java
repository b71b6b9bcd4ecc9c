package org.aptostree.ostree.sysroot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.CommitBuilder;
import org.aptostree.ostree.repo.RepoMode;
import org.aptostree.ostree.repo.Repository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A commit's boot checksum: its kernel files' SHA-256, or that of a deployment booting the very same objects. */
class KernelFilesTest {
    private static final String MODULES = "usr/lib/modules/6.1.0-test/";

    @TempDir
    Path dir;

    private Repository repo;
    private Path tree;

    @BeforeEach
    void setUp() throws Exception {
        repo = Repository.init(dir.resolve("repo"), RepoMode.BARE_USER_ONLY);
        tree = BootableTree.write(dir.resolve("tree"));
    }

    private ObjectId commit(String kernel, String other) throws Exception {
        Files.writeString(tree.resolve(MODULES + "vmlinuz"), kernel);
        Files.writeString(tree.resolve("usr/bin/other"), other);
        return new CommitBuilder(repo).branch("os").timestamp(0).commitDirectory(tree);
    }

    private static String sha256(String... parts) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (String p : parts) {
            all.writeBytes(p.getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(all.toByteArray()));
    }

    /** A deployment as the sysroot lists it; only its commit and boot checksum matter here. */
    private static Deployment deployed(ObjectId commit, String bootChecksum) {
        return new Deployment("debian", commit, 0, bootChecksum, 0, new BootEntry(Map.of()), null);
    }

    @Test
    void hashesTheKernelAndInitramfsWhenNoDeploymentBootsThem() throws Exception {
        ObjectId a = commit("KERNEL a\n", "1");
        ObjectId b = commit("KERNEL b\n", "2");
        KernelFiles k = KernelFiles.findInCommit(repo, b, List.of(deployed(a, "a".repeat(64)))).orElseThrow();
        assertEquals(sha256("KERNEL b\n", "INITRAMFS\n"), k.bootChecksum());
        assertEquals(MODULES + "vmlinuz", k.kernel());
        assertEquals(k, KernelFiles.find(checkout(b)).orElseThrow());
    }

    @Test
    void takesTheChecksumOfTheDeploymentBootingTheSameObjects() throws Exception {
        ObjectId a = commit("KERNEL a\n", "1");
        ObjectId b = commit("KERNEL b\n", "2");
        ObjectId layered = commit("KERNEL a\n", "3");
        // The recorded checksums stand for whatever the deployments were made with: the one with the same kernel
        // objects is taken as it is, the other never.
        String recordedA = "1".repeat(64);
        KernelFiles k = KernelFiles.findInCommit(repo, layered, List.of(deployed(b, "2".repeat(64)), deployed(a, recordedA)))
                .orElseThrow();
        assertEquals(recordedA, k.bootChecksum());
        assertEquals(new KernelFiles("6.1.0-test", MODULES + "vmlinuz", java.util.Optional.of(MODULES + "initramfs.img"),
                java.util.Optional.empty(), recordedA), k);
    }

    @Test
    void anInitramfsAddedOrRemovedIsAnotherBootConfiguration() throws Exception {
        ObjectId a = commit("KERNEL\n", "1");
        Files.delete(tree.resolve(MODULES + "initramfs.img"));
        ObjectId withoutInitramfs = commit("KERNEL\n", "2");
        KernelFiles k = KernelFiles.findInCommit(repo, withoutInitramfs, List.of(deployed(a, "1".repeat(64)))).orElseThrow();
        assertEquals(sha256("KERNEL\n"), k.bootChecksum());
    }

    @Test
    void aStagedDeploymentKeepsItsChecksumWithoutHashing() throws Exception {
        ObjectId a = commit("KERNEL a\n", "1");
        assertEquals("5".repeat(64), KernelFiles.find(checkout(a), "5".repeat(64)).orElseThrow().bootChecksum());
    }

    private Path checkout(ObjectId commit) throws Exception {
        Path out = dir.resolve("checkout-" + commit.hex());
        new org.aptostree.ostree.repo.Checkout(repo).userMode(true).checkout(commit, out);
        return out;
    }
}
