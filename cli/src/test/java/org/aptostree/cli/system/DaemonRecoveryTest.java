package org.aptostree.cli.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import org.aptostree.daemon.dbus.BusConnection;
import org.aptostree.daemon.dbus.Values;
import org.aptostree.ostree.sysroot.Deployment;
import org.aptostree.ostree.sysroot.Sysroot;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of the daemon at random points of running transactions: after each restart the sysroot is consistent
 * ({@code ostree admin status} and {@code ostree fsck} pass; the deployments are the set before or the set the
 * transaction makes), no leftovers stay (scratch space, deployment directories no boot entry names), a transaction
 * that was running is reported failed in the daemon's Transactions property and its log, and the next transaction
 * succeeds. {@code -Daptostree.daemon.kills=N} (default 50).
 *
 * <p>Each kill comes after a random delay of up to twice what the last whole transaction took in a daemon just
 * started: a fixed range would make most kills land after the end on a fast machine, and none inside.
 */
class DaemonRecoveryTest {
    @TempDir
    Path dir;

    @Test
    void killedAtRandomPointsOfKernelArgumentChanges() throws Exception {
        RequiredTools.requireTools("dbus-daemon", "ostree");
        int kills = Integer.getInteger("aptostree.daemon.kills", 50);
        Path sysroot = SmallSysroot.create(dir.resolve("host"));
        Random random = new Random(14);
        int interrupted = 0;
        try (PrivateSystemBus bus = PrivateSystemBus.start(dir.resolve("bus"), Optional.empty());
                BusConnection client = BusConnection.open(bus.address)) {
            // The daemon restarted after a kill is the one the next kill stops: one start per kill.
            DaemonProcess d = DaemonProcess.start(bus, sysroot, dir.resolve("daemon.log"), "--idle-exit=0");
            try {
                awaitReady(client);
                long took = kargsToEnd(client, Map.of("append", Values.variant(List.of("calibration=1"), "as")));
                d.kill9();
                d = DaemonProcess.start(bus, sysroot, dir.resolve("daemon.log"), "--idle-exit=0");
                for (int i = 0; i < kills; i++) {
                    List<String> before = deployments(sysroot);
                    awaitReady(client);
                    String karg = "run" + i + "=" + i;
                    String address = (String) client.call(DaemonClient.NAME, DaemonClient.OS_PATH, DaemonClient.OS_INTERFACE, "kargs", "a{sv}",
                            Map.of("append", Values.variant(List.of(karg), "as")))[0];
                    Thread.sleep(random.nextInt((int) Math.max(2, 2 * took)));
                    d.kill9();
                    DaemonProcess again = DaemonProcess.start(bus, sysroot, dir.resolve("daemon.log"), "--idle-exit=0");
                    d = again;
                    awaitReady(client);
                    Map<String, Object> record = transaction(client, address);
                    String state = String.valueOf(record.get("state"));
                    List<String> after = deployments(sysroot);
                    boolean applied = !after.equals(before);
                    if (applied) {
                        assertTrue(after.get(0).endsWith(" " + karg) || after.get(0).contains(" " + karg + " "), "the new default has " + karg
                                + ": " + after);
                    }
                    if (record.isEmpty()) {
                        assertEquals(before, after, "killed before it was queued: nothing changed");
                    } else if (state.equals("failed")) {
                        interrupted++;
                        assertTrue(String.valueOf(record.get("message")).startsWith("Interrupted: apt-ostreed stopped while the transaction ran"),
                                record.toString());
                        assertTrue(again.log().contains("Transaction " + address + " failed: kargs; Interrupted"), again.log());
                    } else {
                        assertTrue(state.equals("completed") || state.equals("queued"), "a transaction the kill did not interrupt: " + record);
                        assertEquals(state.equals("completed"), applied, "completed exactly when its deployment is there: " + record + " " + after);
                    }
                    consistent(sysroot);
                    took = kargsToEnd(client, Map.of("delete-if-present", Values.variant(List.of(karg), "as")));
                }
            } finally {
                d.close();
            }
        } finally {
            SmallSysroot.unlock(dir);
        }
        assertTrue(interrupted > 0, "some kills landed in a running transaction (" + interrupted + " of " + kills + ")");
    }

    /**
     * Changes the kernel arguments through the daemon and waits for the transaction's end, which must be a success;
     * returns the milliseconds from the call to the end that a poll every millisecond saw.
     */
    private static long kargsToEnd(BusConnection client, Map<String, Object> options) throws Exception {
        long start = System.nanoTime();
        String address = (String) client.call(DaemonClient.NAME, DaemonClient.OS_PATH, DaemonClient.OS_INTERFACE, "kargs", "a{sv}", options)[0];
        Map<String, Object> record = transaction(client, address);
        while (!isFinal(record)) {
            if (System.nanoTime() - start > 60_000_000_000L) {
                throw new AssertionError("waited a minute for " + address + " to end: " + record);
            }
            Thread.sleep(1);
            record = transaction(client, address);
        }
        assertEquals("completed", record.get("state"), "a transaction that nothing kills succeeds: " + record);
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static boolean isFinal(Map<String, Object> t) {
        return Set.of("completed", "failed", "cancelled").contains(String.valueOf(t.get("state")));
    }

    /** The deployments, each as its directory name and kernel arguments, in order. */
    static List<String> deployments(Path sysroot) throws Exception {
        List<String> out = new ArrayList<>();
        for (Deployment d : Sysroot.load(sysroot).deployments()) {
            out.add(d.dirName() + " " + d.kernelArgs());
        }
        return out;
    }

    /** Waits until the OS methods answer (the daemon has opened the system and recovered). */
    static void awaitReady(BusConnection client) throws Exception {
        client.call(DaemonClient.NAME, DaemonClient.OS_PATH, DaemonClient.OS_INTERFACE, "show_status", "a{sv}", Map.of());
    }

    /** The daemon's record of a transaction (its Transactions property), or an empty map. */
    static Map<String, Object> transaction(BusConnection client, String address) throws Exception {
        Object txs = ((Variant<?>) client.call(DaemonClient.NAME, DaemonClient.DAEMON_PATH, DaemonClient.PROPERTIES, "Get", "ss",
                DaemonClient.DAEMON_INTERFACE, "Transactions")[0]).getValue();
        for (Object o : Values.list(txs)) {
            Map<?, ?> m = (Map<?, ?>) o;
            if (address.equals(((Variant<?>) m.get("address")).getValue())) {
                Map<String, Object> out = new java.util.HashMap<>();
                m.forEach((k, v) -> out.put((String) k, ((Variant<?>) v).getValue()));
                return out;
            }
        }
        return Map.of();
    }

    /** ostree's own checks, and no leftovers: the scratch directory is empty, every deployment directory is a deployment. */
    static void consistent(Path sysroot) throws Exception {
        SmallSysroot.ostree("admin", "status", "--sysroot=" + sysroot);
        SmallSysroot.ostree("fsck", "--repo=" + sysroot.resolve("ostree/repo"));
        Path scratch = sysroot.resolve("ostree/repo/tmp/apt-ostree");
        if (Files.isDirectory(scratch)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(scratch)) {
                assertTrue(!s.iterator().hasNext(), "scratch left in " + scratch);
            }
        }
        Set<String> listed = new TreeSet<>();
        for (Deployment d : Sysroot.load(sysroot).deployments()) {
            listed.add(d.dirName());
        }
        Set<String> onDisk = new TreeSet<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(sysroot.resolve("ostree/deploy/debian/deploy"))) {
            for (Path p : s) {
                if (Files.isDirectory(p)) {
                    onDisk.add(p.getFileName().toString());
                }
            }
        }
        assertEquals(listed, onDisk, "deployment directories");
    }
}
