package org.aptostree.cli.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import org.aptostree.daemon.dbus.BusConnection;
import org.aptostree.testkit.DebianData;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * SIGKILL of the daemon at random points of running installs, uninstalls and upgrades (a rebase to the served
 * newer base and back), {@code -Daptostree.daemon.layering.kills=N} times (default 20, for the CI time budget), on a deployed host: after each
 * restart the checks of {@link DaemonRecoveryTest#consistent} hold, the default deployment is the old one or the one
 * the transaction makes, an interrupted transaction is reported failed (Transactions property and the log), and the
 * next transaction succeeds.
 */
class DaemonLayeringRecoveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void killedAtRandomPointsOfInstallsAndUpgrades() throws Exception {
        RequiredTools.require(List.of("dbus-daemon", "ostree", "nginx"), List.of());
        Path mirror = DebianData.mirror();
        int kills = Integer.getInteger("aptostree.daemon.layering.kills", 20);
        Path work = Files.createTempDirectory(Path.of("/var/tmp"), "daemon-recovery");
        Random random = new Random(1414);
        int interrupted = 0;
        // Kills come within this many ms of the call; it shrinks whenever a transaction completed first, so that a fast
        // machine is killed inside its transactions as often as a slow one.
        int killWithin = 4000;
        List<String> outcomes = new ArrayList<>();
        try (HostFixture host = HostFixture.create(Files.createDirectories(work.resolve("host")), mirror,
                DebianData.keyring(), HostFixture.SMALL);
                PrivateSystemBus bus = PrivateSystemBus.start(work.resolve("bus"), Optional.empty());
                BusConnection client = BusConnection.open(bus.address)) {
            for (int i = 0; i < kills; i++) {
                JsonNode before = defaultDeployment(host.sysroot);
                boolean layered = has(before.get("requested-packages"), "hello-layer");
                boolean onNext = before.get("origin").asText().endsWith(HostFixture.SMALL_NEXT);
                // install and uninstall of hello-layer alternate, and every third step moves the base instead.
                String method = i % 3 == 2 ? "rebase" : layered ? "remove_packages" : "install_packages";
                String target = "origin:" + (onNext ? HostFixture.SMALL : HostFixture.SMALL_NEXT);
                DaemonProcess d = DaemonProcess.start(bus, host.sysroot, work.resolve("daemon.log"), "--idle-exit=0");
                String address = method.equals("rebase")
                        ? (String) client.call(DaemonClient.NAME, DaemonClient.OS_PATH, DaemonClient.OS_INTERFACE, "rebase", "sa{sv}", target, Map.of())[0]
                        : (String) client.call(DaemonClient.NAME, DaemonClient.OS_PATH, DaemonClient.OS_INTERFACE, method, "asa{sv}",
                                List.of("hello-layer"), Map.of())[0];
                Thread.sleep(random.nextInt(killWithin));
                d.kill9();
                try (DaemonProcess again = DaemonProcess.start(bus, host.sysroot, work.resolve("daemon.log"), "--idle-exit=0")) {
                    DaemonRecoveryTest.awaitReady(client);
                    Map<String, Object> record = DaemonRecoveryTest.transaction(client, address);
                    String state = String.valueOf(record.get("state"));
                    JsonNode after = defaultDeployment(host.sysroot);
                    boolean changed = !after.get("id").asText().equals(before.get("id").asText());
                    if (changed) {
                        if (method.equals("rebase")) {
                            assertEquals(target, after.get("origin").asText());
                        } else {
                            assertEquals(method.equals("install_packages"), has(after.get("requested-packages"), "hello-layer"), after.toString());
                        }
                    }
                    if (state.equals("failed")) {
                        interrupted++;
                        assertTrue(String.valueOf(record.get("message")).startsWith("Interrupted: apt-ostreed stopped while the transaction ran"),
                                record.toString());
                        assertTrue(again.log().contains("Transaction " + address + " failed: "), again.log());
                    } else if (!record.isEmpty()) {
                        assertEquals("completed", state, "a transaction the kill did not interrupt had ended: " + record);
                        assertTrue(changed, "completed, so its deployment is there: " + record);
                    } else {
                        assertTrue(!changed, "killed before it was queued: nothing changed");
                    }
                    outcomes.add(method + ":" + (record.isEmpty() ? "unqueued" : state));
                    if (state.equals("completed")) {
                        killWithin = Math.max(300, killWithin * 2 / 3);
                    }
                    DaemonRecoveryTest.consistent(host.sysroot);
                    String next = (String) client.call(DaemonClient.NAME, DaemonClient.OS_PATH, DaemonClient.OS_INTERFACE, "cleanup", "a{sv}",
                            Map.of("base", org.aptostree.daemon.dbus.Values.variant(true, "b")))[0];
                    DaemonInterfaceTest.waitFor(() -> Set.of("completed", "failed").contains(String.valueOf(
                            DaemonRecoveryTest.transaction(client, next).get("state"))), next + " to end");
                    assertEquals("completed", DaemonRecoveryTest.transaction(client, next).get("state"), "the next transaction succeeds: "
                            + again.log());
                }
            }
        } finally {
            new ProcessBuilder("chattr", "-R", "-f", "-i", work.toString()).start().waitFor();
            new ProcessBuilder("rm", "-rf", work.toString()).start().waitFor();
        }
        assertTrue(interrupted >= kills / 4, "most kills landed in a running transaction: " + outcomes);
    }

    private static boolean has(JsonNode array, String name) {
        for (JsonNode n : array) {
            if (n.asText().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode defaultDeployment(Path sysroot) throws Exception {
        HostFixture.Result r = HostFixture.apt("status", "--json", "--direct", "--sysroot=" + sysroot);
        assertEquals(0, r.code(), r.err());
        return JSON.readTree(r.out()).get("deployments").get(0);
    }
}
