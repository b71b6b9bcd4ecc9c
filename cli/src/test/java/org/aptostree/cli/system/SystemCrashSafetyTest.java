package org.aptostree.cli.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.aptostree.daemon.system.TransactionLock;
import org.aptostree.ostree.sysroot.Deployment;
import org.aptostree.ostree.sysroot.Sysroot;
import org.aptostree.testkit.DebianData;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SIGKILL at a random point of install, uninstall, upgrade, rebase, rollback and cleanup, 200 times in all, each in a
 * process of its own on a deployed host: afterwards the real {@code ostree fsck} passes, {@code ostree admin status}
 * reads the sysroot, the deployments are the old set or the new one, no lock is left held, and the next transaction
 * works (it removes what the killed one left in the scratch directory).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SystemCrashSafetyTest {
    /** The 200 (about 7 minutes here); fewer with -Daptostree.crash.runs=N when iterating. */
    private static final int RUNS = Integer.getInteger("aptostree.crash.runs", 200);

    private HostFixture host;

    /** Per test, not per class, so that a missing requirement is reported by every test (see Requirements). */
    @BeforeEach
    void setUp() throws Exception {
        Requirements.root(); // deployments and the overlay
        Path mirror = DebianData.mirror();
        if (host != null) {
            return;
        }
        host = HostFixture.create(Files.createTempDirectory(Path.of("/var/tmp"), "crash-test"), mirror,
                DebianData.keyring(), HostFixture.SMALL);
    }

    @AfterAll
    void tearDown() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    /** One step of the cycle: the verb, and how the deployment list may look after it completed. */
    private enum Step {
        INSTALL("install", "hello-layer"), UNINSTALL("uninstall", "hello-layer"), UPGRADE("rebase", "origin:" + HostFixture.SMALL_NEXT),
        REBASE("rebase", "origin:" + HostFixture.SMALL), ROLLBACK("rollback"), CLEANUP("cleanup", "-r");

        final List<String> args;

        Step(String... args) {
            this.args = List.of(args);
        }

        /** Whether {@code after} is what this step makes of {@code before} when it completes. */
        boolean completed(List<String> before, List<String> after) {
            return switch (this) {
                case ROLLBACK -> before.size() >= 2 && after.equals(swapFirstTwo(before));
                case CLEANUP -> before.size() >= 2 && after.equals(withoutSecond(before));
                default -> !after.isEmpty() && !before.contains(after.get(0)) && after.subList(1, after.size()).equals(
                        before.subList(0, Math.min(before.size(), after.size() - 1)));
            };
        }
    }

    @Test
    void killedTransactionsLeaveTheOldDeploymentsOrTheNewOnes() throws Exception {
        long seed = Long.getLong("aptostree.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        Step[] cycle = Step.values();
        // How long each step last took when it ran to its end. Kills are spread over that length, so that most runs
        // are cut short on a fast machine as on a slow one; a fixed range let half the runs end first on a fast one.
        long[] lastLength = new long[cycle.length];
        Arrays.fill(lastLength, 3000);
        int killed = 0;
        for (int run = 0; run < RUNS; run++) {
            Step step = cycle[run % cycle.length];
            List<String> before = deployments();
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "org.aptostree.cli.Main"));
            cmd.addAll(step.args);
            cmd.add("--sysroot=" + host.sysroot);
            long started = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(host.work.resolve("victim.log").toFile()).start();
            long delay = 50 + random.nextInt((int) Math.max(1, lastLength[step.ordinal()] - 50));
            if (p.waitFor(delay, TimeUnit.MILLISECONDS)) {
                lastLength[step.ordinal()] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            } else {
                p.destroyForcibly();
                p.waitFor();
                killed++;
            }
            String context = "seed " + seed + ", run " + run + ", " + step + " killed after " + delay + " ms; log: "
                    + Files.readString(host.work.resolve("victim.log"), StandardCharsets.UTF_8);
            String fsck = HostFixture.run(List.of("ostree", "--repo=" + host.sysroot.resolve("ostree/repo"), "fsck", "-q"));
            assertTrue(fsck.contains("no errors"), context + fsck);
            HostFixture.run(List.of("ostree", "admin", "status", "--sysroot=" + host.sysroot));
            List<String> after = deployments();
            if (!after.equals(before) && !step.completed(before, after)) {
                fail(context + "\nbefore: " + before + "\nafter: " + after);
            }
            assertTrue(TransactionLock.holder(host.sysroot.resolve("ostree/deploy/debian/var/lib/apt-ostree/transaction.lock")).isEmpty(),
                    context);
        }
        assertTrue(killed >= RUNS / 2, "only " + killed + " of " + RUNS + " runs were killed before they ended");
        HostFixture.Result r = host.verb("status");
        assertEquals(0, r.code(), r.err());
        assertEquals(0, host.verb("cleanup", "-b").code());
        assertTrue(!Files.isDirectory(host.sysroot.resolve("ostree/repo/tmp/apt-ostree"))
                || Files.list(host.sysroot.resolve("ostree/repo/tmp/apt-ostree")).findAny().isEmpty());
    }

    private List<String> deployments() throws Exception {
        List<String> out = new ArrayList<>();
        for (Deployment d : Sysroot.load(host.sysroot).deployments()) {
            assertTrue(Files.isDirectory(d.dir(host.sysroot)), d.dirName() + " is listed but has no directory");
            out.add(d.dirName());
        }
        return out;
    }

    private static List<String> swapFirstTwo(List<String> l) {
        List<String> out = new ArrayList<>(l);
        out.set(0, l.get(1));
        out.set(1, l.get(0));
        return out;
    }

    private static List<String> withoutSecond(List<String> l) {
        List<String> out = new ArrayList<>(l);
        out.remove(1);
        return out;
    }
}
