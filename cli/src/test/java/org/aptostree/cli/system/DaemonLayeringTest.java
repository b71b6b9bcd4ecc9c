package org.aptostree.cli.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.aptostree.daemon.dbus.BusConnection;
import org.aptostree.daemon.dbus.Values;
import org.aptostree.testkit.DebianData;
import org.freedesktop.dbus.messages.DBusSignal;
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
 * Package layering through apt-ostreed on a deployed host (the served small base and the signed APT repository of
 * synthetic packages): a Python client with Gio installs and removes a package and prints every signal; five
 * install and uninstall transactions queued from five clients run one at a time in order while twenty clients ask
 * for the status in a loop, every client gets its signals, and the final state is what the sequence implies; the
 * CLI through the daemon gives what it gives in direct mode on a host made alike.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DaemonLayeringTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path work;
    private HostFixture host;
    private HostFixture twin;
    private PrivateSystemBus bus;
    private DaemonProcess daemon;

    @BeforeAll
    void start() throws Exception {
        RequiredTools.require(List.of("dbus-daemon", "gdbus", "ostree", "nginx", "/usr/bin/python3"), List.of(RequiredTools.PYTHON_GIO));
        Path mirror = DebianData.mirror();
        Path keyring = DebianData.keyring();
        work = Files.createTempDirectory(Path.of("/var/tmp"), "daemon-layering");
        host = HostFixture.create(Files.createDirectories(work.resolve("a")), mirror, keyring, HostFixture.SMALL);
        twin = HostFixture.create(Files.createDirectories(work.resolve("b")), mirror, keyring, HostFixture.SMALL);
        bus = PrivateSystemBus.start(work.resolve("bus"), Optional.empty());
        daemon = DaemonProcess.start(bus, host.sysroot, work.resolve("daemon.log"), "--idle-exit=0");
    }

    @AfterAll
    void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (bus != null) {
            bus.close();
        }
        if (twin != null) {
            twin.close();
        }
        if (host != null) {
            host.close();
        }
    }

    private List<String> requested() throws Exception {
        Commands.Result r = CliProcess.run(bus.address, "status", "--json", "--sysroot=" + host.sysroot);
        assertEquals(0, r.code(), r.err());
        List<String> out = new ArrayList<>();
        JSON.readTree(r.out()).get("deployments").get(0).get("requested-packages").forEach(n -> out.add(n.asText()));
        Collections.sort(out);
        return out;
    }

    @Test
    @Order(1)
    void aPythonGioClientInstallsAPackageAndSeesEverySignal() throws Exception {
        Path script = work.resolve("aptostree-client.py");
        try (InputStream in = DaemonLayeringTest.class.getResourceAsStream("aptostree-client.py")) {
            Files.write(script, in.readAllBytes());
        }
        Commands.Result r = Commands.run(List.of("/usr/bin/python3", script.toString(), bus.address, "install_packages", "hello-layer"));
        assertEquals(0, r.code(), r.err() + r.out() + daemon.log());
        for (String state : List.of("queued", "preparing", "resolving", "downloading", "unpacking", "scripts", "committing", "deploying",
                "completed")) {
            assertTrue(r.out().contains("TransactionChanged") && r.out().contains("'" + state + "'"), state + " in:\n" + r.out());
        }
        assertTrue(r.out().contains("\"added\":[\"hello-layer 1.0-1 amd64\""), r.out());
        assertEquals(List.of("hello-layer"), requested());
        Commands.Result rm = Commands.run(List.of("/usr/bin/python3", script.toString(), bus.address, "remove_packages", "hello-layer"));
        assertEquals(0, rm.code(), rm.err() + rm.out());
        assertEquals(List.of(), requested());
    }

    /** A client of its own: a connection that collects the OS object's signals from the start. */
    private static final class Client implements AutoCloseable {
        final BusConnection bus;
        final LinkedBlockingQueue<Object[]> signals = new LinkedBlockingQueue<>();

        Client(String address) throws Exception {
            bus = BusConnection.open(address);
            bus.onSignal((DBusSignal s) -> {
                try {
                    Object[] p = s.getParameters();
                    Object[] e = new Object[p.length + 1];
                    e[0] = s.getName();
                    System.arraycopy(p, 0, e, 1, p.length);
                    signals.add(e);
                } catch (Exception ex) {
                    signals.add(new Object[] {"unreadable", ex.toString()});
                }
            });
            bus.addMatch("type='signal',sender='" + DaemonClient.NAME + "',interface='" + DaemonClient.OS_INTERFACE + "'");
        }

        String call(String method, List<String> packages) throws Exception {
            return (String) bus.call(DaemonClient.NAME, DaemonClient.OS_PATH, DaemonClient.OS_INTERFACE, method, "asa{sv}", packages, Map.of())[0];
        }

        /** This client's signals about {@code address}, up to its TransactionCompleted. */
        List<Object[]> follow(String address) throws Exception {
            List<Object[]> mine = new ArrayList<>();
            while (true) {
                Object[] s = signals.poll(10, TimeUnit.MINUTES);
                if (s == null) {
                    throw new AssertionError("no TransactionCompleted for " + address);
                }
                if (address.equals(s[1])) {
                    mine.add(s);
                    if (s[0].equals("TransactionCompleted")) {
                        return mine;
                    }
                }
            }
        }

        @Override
        public void close() {
            bus.close();
        }
    }

    @Test
    @Order(2)
    void fiveQueuedTransactionsRunInOrderWhileTwentyClientsReadTheStatus() throws Exception {
        List<List<String>> sequence = List.of(List.of("install_packages", "hello-layer"), List.of("install_packages", "needs-api"),
                List.of("remove_packages", "hello-layer"), List.of("install_packages", "trig-activator"), List.of("remove_packages", "needs-api"));
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger answers = new AtomicInteger();
        List<String> readerErrors = new CopyOnWriteArrayList<>();
        Map<String, Boolean> busySeen = new ConcurrentHashMap<>();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Thread t = new Thread(() -> {
                try (BusConnection c = BusConnection.open(bus.address)) {
                    while (!done.get()) {
                        String status = (String) c.call(DaemonClient.NAME, DaemonClient.OS_PATH, DaemonClient.OS_INTERFACE, "show_status", "a{sv}",
                                Map.of("json", Values.variant(true, "b")))[0];
                        JsonNode n = JSON.readTree(status);
                        if (!n.get("deployments").isArray() || n.get("deployments").isEmpty()) {
                            readerErrors.add("a status without deployments: " + status);
                        }
                        if (!n.get("transaction").isNull()) {
                            busySeen.put(n.get("transaction").get(0).asText(), true);
                        }
                        answers.incrementAndGet();
                    }
                } catch (Exception e) {
                    readerErrors.add(e.toString());
                }
            });
            t.start();
            readers.add(t);
        }
        List<Client> clients = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        try {
            for (List<String> step : sequence) {
                Client c = new Client(bus.address);
                clients.add(c);
                addresses.add(c.call(step.get(0), List.of(step.get(1))));
            }
            List<Long> completedAt = new ArrayList<>();
            for (int i = 0; i < clients.size(); i++) {
                List<Object[]> signals = clients.get(i).follow(addresses.get(i));
                Object[] first = signals.get(0);
                assertEquals("queued", first[2], addresses.get(i) + " is queued first");
                if (i > 0) {
                    assertTrue(String.valueOf(first[3]).startsWith("Waiting for "), "a later one waits: " + first[3]);
                }
                int last = -1;
                for (Object[] s : signals) {
                    if (s[0].equals("TransactionChanged")) {
                        int p = ((Number) s[4]).intValue();
                        assertTrue(p >= last, "the percentage never goes down: " + p + " after " + last);
                        last = p;
                    }
                }
                Object[] end = signals.get(signals.size() - 1);
                assertEquals(true, end[2], addresses.get(i) + ": " + end[3]);
                assertEquals(100, last);
                completedAt.add(((Number) DaemonRecoveryTest.transaction(clients.get(i).bus, addresses.get(i)).get("finished")).longValue());
            }
            List<Long> sorted = new ArrayList<>(completedAt);
            Collections.sort(sorted);
            assertEquals(sorted, completedAt, "they ended in the order they were queued");
        } finally {
            done.set(true);
            for (Thread t : readers) {
                t.join();
            }
            clients.forEach(Client::close);
        }
        assertEquals(List.of(), readerErrors);
        assertTrue(answers.get() > 20, "the status was answered while the transactions ran: " + answers.get());
        assertTrue(!busySeen.isEmpty(), "some status answered during a transaction showed it");
        assertEquals(List.of("trig-activator"), requested(), "hello-layer and needs-api were installed, then removed");
    }

    /** Commits made now (layered ones) differ in their checksum and time; what the verbs say around them is compared. */
    private static String normalized(String s, Path sysroot) {
        return s.replace(sysroot.toString(), "SYSROOT").replaceAll("[0-9a-f]{64}", "CHECKSUM")
                .replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ", "TIME").replaceAll("\"(timestamp|base-timestamp)\" : \\d+", "\"$1\" : T");
    }

    @Test
    @Order(0)
    void theCliLayersTheSameThroughTheDaemonAndDirectly() throws Exception {
        for (List<String> verb : List.of(List.of("status"), List.of("install", "hello-layer"), List.of("status"), List.of("status", "--json"),
                List.of("install", "hello-layer"), List.of("install", "no-such-package"), List.of("install", "--idempotent", "hello-layer",
                        "--unchanged-exit-77"), List.of("db", "diff"), List.of("uninstall", "hello-layer"), List.of("status", "-v"))) {
            List<String> a = new ArrayList<>(verb);
            a.add("--sysroot=" + host.sysroot);
            List<String> b = new ArrayList<>(verb);
            b.addAll(List.of("--sysroot=" + twin.sysroot, "--direct"));
            Commands.Result d = CliProcess.run(bus.address, a.toArray(String[]::new));
            Commands.Result x = CliProcess.run(bus.address, b.toArray(String[]::new));
            String what = String.join(" ", verb);
            assertEquals(x.code(), d.code(), what + ": " + d.err());
            assertEquals(normalized(x.out(), twin.sysroot), normalized(d.out(), host.sysroot), what + ": stdout");
            assertEquals(normalized(x.err(), twin.sysroot), normalized(d.err(), host.sysroot), what + ": stderr");
        }
    }
}
