package org.aptostree.ostree.sysroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.aptostree.ostree.gvariant.Variant;
import org.aptostree.ostree.gvariant.VariantDict;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.CommitBuilder;
import org.aptostree.ostree.repo.RealOstree;
import org.aptostree.ostree.repo.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 §3: a cleanup must never delete a deployment that a deploy in another process is still writing. One
 * process deploys commit after commit while another cleans up without pause; the deployer checks each deployment
 * under its lock, and at the end every listed deployment is complete, ostree reads the sysroot and fsck passes.
 */
class SysrootConcurrencyTest {
    private static final int FILES = 300;

    @TempDir
    Path dir;

    @AfterEach
    void clearImmutableFlags() throws Exception {
        new ProcessBuilder("chattr", "-R", "-i", dir.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }

    @Test
    void cleanupNeverDeletesADeploymentBeingWritten() throws Exception {
        RealOstree.assumeInstalled();
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "deployments need root");
        int deploys = Integer.getInteger("aptostree.sysrootRaceRuns", 30);
        Path root = dir.resolve("sysroot");
        Deployer.initFs(root, true);
        try (Deployer d = Deployer.lock(root)) {
            d.osInit("debian");
        }
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("usr/lib/modules/6.1.0-test"));
        Files.createDirectories(tree.resolve("usr/etc"));
        Files.writeString(tree.resolve("usr/lib/modules/6.1.0-test/vmlinuz"), "KERNEL\n");
        Files.writeString(tree.resolve("usr/lib/os-release"), "PRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"\n");
        Files.writeString(tree.resolve("usr/etc/hostname"), "debian\n");
        for (int f = 0; f < FILES; f++) {
            Path p = tree.resolve("usr/share/data/d" + f % 10 + "/f" + f);
            Files.createDirectories(p.getParent());
            Files.writeString(p, "file " + f + "\n");
        }
        // One ref per commit keeps them all through the prunes of the cleanups.
        Repository repo = Repository.open(root.resolve("ostree/repo"));
        for (int i = 0; i < deploys; i++) {
            Files.writeString(tree.resolve("usr/share/marker"), i + "\n");
            Files.writeString(tree.resolve("usr/share/data/d0/f0"), "file 0 of commit " + i + "\n");
            new CommitBuilder(repo).branch("test/" + i).timestamp(i)
                    .metadata(VariantDict.empty().with("version", Variant.ofString(String.valueOf(i)))).commitDirectory(tree);
        }

        Path done = dir.resolve("done");
        Process cleaner = child(List.of("cleanup", root.toString(), done.toString()), dir.resolve("cleaner.log"));
        Process deployer = child(List.of("deploy", root.toString(), String.valueOf(deploys), String.valueOf(FILES), done.toString()),
                dir.resolve("deployer.log"));
        boolean deployed = deployer.waitFor(10, TimeUnit.MINUTES);
        if (!Files.exists(done)) {
            // The deployer failed or hangs: stop the cleaner too.
            Files.writeString(done, "deployer ended\n");
        }
        boolean cleaned = cleaner.waitFor(2, TimeUnit.MINUTES);
        deployer.destroyForcibly();
        cleaner.destroyForcibly();
        String deployerLog = Files.readString(dir.resolve("deployer.log"));
        String cleanerLog = Files.readString(dir.resolve("cleaner.log"));
        assertTrue(deployed && cleaned, "timed out; deployer: " + deployerLog + "\ncleaner: " + cleanerLog);
        assertEquals(0, deployer.exitValue(), "deployer failed: " + deployerLog);
        assertEquals(0, cleaner.exitValue(), "cleaner failed: " + cleanerLog);
        assertTrue(cleanerLog.startsWith("cleanups: "), cleanerLog);
        System.out.println("deploys: " + deploys + ", " + cleanerLog.strip());

        Sysroot s = Sysroot.load(root);
        assertEquals(ObjectId.class, repo.resolveRev("test/" + (deploys - 1)).getClass());
        assertEquals(repo.resolveRev("test/" + (deploys - 1)), s.deployments().get(0).commit());
        for (Deployment d : s.deployments()) {
            try (var walk = Files.walk(d.dir(root).resolve("usr/share/data"))) {
                assertEquals(FILES, walk.filter(Files::isRegularFile).count(), d.dirName());
            }
        }
        RealOstree.run("admin", "status", "--sysroot=" + root);
        RealOstree.run("fsck", "--repo=" + root.resolve("ostree/repo"));
    }

    private static Process child(List<String> args, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), SysrootRaceChild.class.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
