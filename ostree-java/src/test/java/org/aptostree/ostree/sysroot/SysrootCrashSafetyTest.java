package org.aptostree.ostree.sysroot;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.aptostree.ostree.repo.RealOstree;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs a process that deploys, stages and finalizes, rolls back and cleans up, at random moments. After every
 * kill the sysroot loads in ours and in {@code ostree admin status}, and every boot entry points at a complete
 * deployment and at kernel files that exist.
 */
class SysrootCrashSafetyTest {
    @TempDir
    Path dir;

    @AfterEach
    void clearImmutableFlags() throws Exception {
        new ProcessBuilder(Requirements.tool("chattr").toString(), "-R", "-i", dir.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }

    @Test
    void killedDeploymentsLeaveABootableSysroot() throws Exception {
        Requirements.tools("ostree", "chattr");
        Requirements.root(); // deployments
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("usr/lib/modules/6.1.0-test"));
        Files.createDirectories(tree.resolve("usr/etc"));
        Files.createDirectories(tree.resolve("usr/bin"));
        Files.writeString(tree.resolve("usr/lib/modules/6.1.0-test/vmlinuz"), "KERNEL\n");
        Files.writeString(tree.resolve("usr/lib/modules/6.1.0-test/initramfs.img"), "INITRAMFS\n");
        Files.writeString(tree.resolve("usr/lib/os-release"), "PRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"\n");
        Files.writeString(tree.resolve("usr/etc/hostname"), "debian\n");
        Path root = dir.resolve("sysroot");
        Deployer.initFs(root, true);
        new Deployer(root).osInit("debian");

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Random random = new Random(11);
        int runs = Integer.getInteger("aptostree.sysrootCrashRuns", 200);
        int iteration = 0;
        for (int run = 0; run < runs; run++) {
            Process p = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                    "-cp", System.getProperty("java.class.path"), SysrootCrashVictim.class.getName(),
                    root.toString(), tree.toString(), String.valueOf(iteration))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("victim.log").toFile()).start();
            Thread.sleep(150 + random.nextInt(1200));
            assertTrue(p.isAlive(), "the victim died by itself: " + Files.readString(dir.resolve("victim.log")));
            p.destroyForcibly().waitFor();
            iteration += 4;
            check(root, run);
        }
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
