package org.aptostree.ostree.sysroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.aptostree.ostree.gvariant.Variant;
import org.aptostree.ostree.gvariant.VariantDict;
import org.aptostree.ostree.repo.CommitBuilder;
import org.aptostree.ostree.repo.RealOstree;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What other processes do cannot break a sysroot. A process that deploys, stages and finalizes, rolls back and
 * cleans up is SIGKILLed at random moments: after every kill the sysroot loads in ours and in
 * {@code ostree admin status}, and every boot entry points at a complete deployment and at kernel files that exist.
 * A cleanup in one process never deletes a deployment that a deploy in another is still writing (issue 12 §3).
 */
class SysrootProcessesTest {
    private static final int FILES = 300;

    @TempDir
    Path dir;

    @AfterEach
    void clearImmutableFlags() throws Exception {
        new ProcessBuilder("chattr", "-R", "-i", dir.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }

    @Test
    void killedDeploymentsLeaveABootableSysroot() throws Exception {
        Requirements.tool("ostree");
        Requirements.root(); // deployments of a bare repository
        Path tree = BootableTree.write(dir.resolve("tree"));
        Path root = newSysroot();

        Random random = new Random(11);
        int runs = Integer.getInteger("aptostree.sysrootCrashRuns", 200);
        int iteration = 0;
        for (int run = 0; run < runs; run++) {
            Process p = childJvm(SysrootCrashVictim.class, List.of(root.toString(), tree.toString(), String.valueOf(iteration)),
                    dir.resolve("victim.log"));
            Thread.sleep(150 + random.nextInt(1200));
            assertTrue(p.isAlive(), "the victim died by itself: " + Files.readString(dir.resolve("victim.log")));
            p.destroyForcibly().waitFor();
            iteration += 4;
            check(root, run);
        }
    }

    private Path newSysroot() throws Exception {
        Path root = dir.resolve("sysroot");
        Deployer.initFs(root, true);
        try (Deployer d = Deployer.lock(root)) {
            d.osInit("debian");
        }
        return root;
    }

    /**
     * One process deploys commit after commit while another cleans up without pause, each taking the lock per
     * operation as separate commands would; the deployer checks each deployment under its lock, and at the end every
     * listed deployment is complete, ostree reads the sysroot and fsck passes.
     */
    @Test
    void cleanupNeverDeletesADeploymentBeingWritten() throws Exception {
        Requirements.tool("ostree");
        Requirements.root(); // deployments of a bare repository
        int deploys = Integer.getInteger("aptostree.sysrootRaceRuns", 30);
        Path root = newSysroot();
        Path tree = BootableTree.write(dir.resolve("tree"));
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
        Process cleaner = childJvm(SysrootRaceChild.class, List.of("cleanup", root.toString(), done.toString()), dir.resolve("cleaner.log"));
        Process deployer = childJvm(SysrootRaceChild.class,
                List.of("deploy", root.toString(), String.valueOf(deploys), String.valueOf(FILES), done.toString()), dir.resolve("deployer.log"));
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
        assertEquals(repo.resolveRev("test/" + (deploys - 1)), s.deployments().get(0).commit());
        for (Deployment d : s.deployments()) {
            try (Stream<Path> walk = Files.walk(d.dir(root).resolve("usr/share/data"))) {
                assertEquals(FILES, walk.filter(Files::isRegularFile).count(), d.dirName());
            }
        }
        RealOstree.run("admin", "status", "--sysroot=" + root);
        RealOstree.run("fsck", "--repo=" + root.resolve("ostree/repo"));
    }

    /** A JVM running {@code main} of a test class, quick to start, its output in {@code log}. */
    private static Process childJvm(Class<?> main, List<String> args, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void check(Path root, int run) throws Exception {
        Sysroot s = Sysroot.load(root);
        RealOstree.run("admin", "status", "--sysroot=" + root);
        for (Deployment d : s.deployments()) {
            Path deployment = d.dir(root);
            assertTrue(Files.isRegularFile(deployment.resolve("usr/lib/os-release")), "run " + run + ": incomplete " + deployment);
            assertTrue(Files.isRegularFile(deployment.resolve("etc/hostname")), "run " + run + ": no /etc in " + deployment);
            for (String key : new String[] {"linux", "initrd"}) {
                String path = d.bootEntry().get(key).orElseThrow();
                assertTrue(Files.isRegularFile(root.resolve("boot").resolve(path.substring(1))),
                        "run " + run + ": " + key + " " + path + " is missing");
            }
        }
    }
}
