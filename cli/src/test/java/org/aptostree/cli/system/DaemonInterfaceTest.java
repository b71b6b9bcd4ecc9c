package org.aptostree.cli.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.aptostree.daemon.dbus.InterfaceDefinition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * apt-ostreed's interface as clients no one on the project wrote see it: {@code gdbus introspect} answers every
 * name, type and argument name of the design note and of the shipped XML; {@code busctl tree} walks to every
 * object; {@code dbus-monitor} sees a transaction's signals; a C client generated from the shipped XML with
 * {@code gdbus-codegen} calls Ping and show_status; a Python client with Gio follows a transaction to its end.
 */
class DaemonInterfaceTest {
    @TempDir
    static Path dir;
    static PrivateSystemBus bus;
    static DaemonProcess daemon;
    static Path sysroot;

    /** The design note's OS methods and signals, as written there (binding). */
    static final List<String> DESIGN_NOTE_OS = List.of(
            "install_packages(in as packages, in a{sv} options, out s transaction_address)",
            "remove_packages(in as packages, in a{sv} options, out s transaction_address)",
            "upgrade_system(in a{sv} options, out s transaction_address)",
            "rollback(in a{sv} options, out s transaction_address)",
            "show_status(in a{sv} options, out s status)",
            "list_packages(in a{sv} options, out as packages)",
            "search_packages(in s query, in a{sv} options, out as results)",
            "show_package_info(in s package, out s info)");
    static final List<String> DESIGN_NOTE_SIGNALS = List.of(
            "TransactionChanged(s transaction_address, s state, s message, i percentage)",
            "TransactionCompleted(s transaction_address, b success, s result)");
    /** The other verbs, in the same style (the list), each returning a transaction address or an answer. */
    static final List<String> OTHER_VERBS = List.of(
            "deploy(in s revision, in a{sv} options, out s transaction_address)",
            "rebase(in s refspec, in a{sv} options, out s transaction_address)",
            "override_remove(in as packages, in a{sv} options, out s transaction_address)",
            "override_replace(in aay packages, in a{sv} options, out s transaction_address)",
            "override_reset(in as packages, in a{sv} options, out s transaction_address)",
            "reset(in a{sv} options, out s transaction_address)",
            "kargs(in a{sv} options, out s transaction_address)",
            "cleanup(in a{sv} options, out s transaction_address)",
            "refresh_md(in a{sv} options, out s transaction_address)",
            "automatic_update_trigger(in a{sv} options, out s transaction_address)",
            "cancel(in s transaction_address, in a{sv} options, out s cancelled_address)",
            "db_diff(in s from_revision, in s to_revision, in a{sv} options, out s diff)",
            "update_deployment(in a{sv} modifiers, in a{sv} options, out s transaction_address)");

    @BeforeAll
    static void start() throws Exception {
        RequiredTools.require(List.of("dbus-daemon", "gdbus", "busctl", "dbus-monitor", "ostree", "gdbus-codegen", "gcc", "pkg-config",
                "/usr/bin/python3"), List.of(RequiredTools.PYTHON_GIO, RequiredTools.GIO_DEV));
        sysroot = SmallSysroot.create(dir.resolve("host"));
        bus = PrivateSystemBus.start(dir.resolve("bus"), Optional.empty());
        daemon = DaemonProcess.start(bus, sysroot, dir.resolve("daemon.log"), "--idle-exit=0");
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (bus != null) {
            bus.close();
        }
        SmallSysroot.unlock(dir);
    }

    private static Map<String, InterfaceDefinition> shipped() throws Exception {
        try (InputStream in = Files.newInputStream(PrivateSystemBus.shippedFile("usr/share/dbus-1/interfaces/org.aptostree.dev.xml"))) {
            return InterfaceDefinition.parse(in, "org.aptostree.dev.xml");
        }
    }

    private static Map<String, InterfaceDefinition> introspect(String path) throws Exception {
        String xml = Commands.run(List.of("gdbus", "introspect", "--xml", "--address", bus.address, "--dest", DaemonClient.NAME,
                "--object-path", path)).expectSuccess(List.of("gdbus introspect", path)).out();
        return InterfaceDefinition.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "gdbus introspect " + path);
    }

    static String describe(InterfaceDefinition.Member m, boolean signal) {
        List<String> args = new ArrayList<>();
        for (InterfaceDefinition.Arg a : m.args()) {
            args.add((signal ? "" : a.in() ? "in " : "out ") + a.type() + " " + a.name());
        }
        return m.name() + "(" + String.join(", ", args) + ")";
    }

    @Test
    void introspectionAnswersTheShippedInterfacesWithArgumentNames() throws Exception {
        Map<String, InterfaceDefinition> shipped = shipped();
        String transaction = rollback();
        Map<String, String> objects = Map.of("/org/aptostree/dev", "org.aptostree.dev.Daemon", "/org/aptostree/dev/Sysroot",
                "org.aptostree.dev.Sysroot", "/org/aptostree/dev/OS", "org.aptostree.dev.OS", transaction, "org.aptostree.dev.Transaction");
        for (Map.Entry<String, String> o : objects.entrySet()) {
            Map<String, InterfaceDefinition> seen = introspect(o.getKey());
            assertEquals(shipped.get(o.getValue()), seen.get(o.getValue()), o.getKey() + " introspects as the shipped " + o.getValue());
            assertTrue(seen.containsKey("org.freedesktop.DBus.Properties") && seen.containsKey("org.freedesktop.DBus.Introspectable"),
                    o.getKey() + " has the standard interfaces: " + seen.keySet());
        }
    }

    @Test
    void theDesignNotesNamesTypesAndArgumentNames() throws Exception {
        InterfaceDefinition os = introspect("/org/aptostree/dev/OS").get("org.aptostree.dev.OS");
        List<String> methods = os.methods().stream().map(m -> describe(m, false)).toList();
        List<String> signals = os.signals().stream().map(m -> describe(m, true)).toList();
        for (String m : DESIGN_NOTE_OS) {
            assertTrue(methods.contains(m), "design note method " + m + " in " + methods);
        }
        assertEquals(DESIGN_NOTE_SIGNALS, signals);
        for (String m : OTHER_VERBS) {
            assertTrue(methods.contains(m), m + " in " + methods);
        }
        InterfaceDefinition daemonIface = introspect("/org/aptostree/dev").get("org.aptostree.dev.Daemon");
        assertEquals("Ping(out s reply)", describe(daemonIface.method("Ping").orElseThrow(), false));
        InterfaceDefinition sysrootIface = introspect("/org/aptostree/dev/Sysroot").get("org.aptostree.dev.Sysroot");
        assertEquals(List.of("Path s", "Booted o", "Deployments aa{sv}", "ActiveTransaction (sss)", "AutomaticUpdatePolicy s"),
                sysrootIface.properties().stream().map(p -> p.name() + " " + p.type()).toList());
        assertEquals(List.of("Reload()", "ReloadConfig()"), sysrootIface.methods().stream().map(m -> describe(m, false)).toList());
        InterfaceDefinition tx = introspect(rollback()).get("org.aptostree.dev.Transaction");
        assertEquals(List.of("Title s", "State s", "Percentage i", "Message s", "Initiator (uts)", "Result s"),
                tx.properties().stream().map(p -> p.name() + " " + p.type()).toList());
        assertEquals(List.of("Cancel()"), tx.methods().stream().map(m -> describe(m, false)).toList());
    }

    @Test
    void busctlTreeShowsEveryObject() throws Exception {
        String transaction = rollback();
        String tree = Commands.run(List.of("busctl", "--address=" + bus.address, "tree", DaemonClient.NAME))
                .expectSuccess(List.of("busctl tree")).out();
        for (String path : List.of("/org/aptostree/dev", "/org/aptostree/dev/OS", "/org/aptostree/dev/Sysroot", "/org/aptostree/dev/Transaction",
                transaction)) {
            assertTrue(tree.contains(path + "\n"), path + " in busctl tree:\n" + tree);
        }
    }

    @Test
    void dbusMonitorSeesATransactionsSignals() throws Exception {
        Path out = dir.resolve("monitor.out");
        Process monitor = new ProcessBuilder("dbus-monitor", "--address", bus.address, "type='signal',sender='" + DaemonClient.NAME + "'")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            waitFor(() -> Files.readString(out).contains("NameAcquired"), "dbus-monitor to subscribe");
            String transaction = rollback();
            waitFor(() -> Files.readString(out).contains("member=TransactionCompleted"), "TransactionCompleted in dbus-monitor's output");
            String seen = Files.readString(out);
            assertTrue(seen.contains("member=TransactionChanged") && seen.contains("string \"" + transaction + "\"")
                    && seen.contains("string \"queued\"") && seen.contains("string \"deploying\"") && seen.contains("string \"completed\""), seen);
            assertTrue(seen.matches("(?s).*member=TransactionCompleted\\s+string \"" + transaction + "\"\\s+boolean true.*"), seen);
            assertTrue(seen.contains("member=PropertiesChanged") && seen.contains("path=" + transaction), "the transaction's PropertiesChanged: " + seen);
        } finally {
            monitor.destroy();
            monitor.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aClientGeneratedByGdbusCodegenCallsPingAndShowStatus() throws Exception {
        Path c = Files.createDirectories(dir.resolve("c-client"));
        Path xml = PrivateSystemBus.shippedFile("usr/share/dbus-1/interfaces/org.aptostree.dev.xml");
        Commands.run(List.of("gdbus-codegen", "--interface-prefix", "org.aptostree.dev.", "--c-namespace", "Apt", "--output-directory", c.toString(),
                "--generate-c-code", "aptostree-generated", xml.toString())).expectSuccess(List.of("gdbus-codegen"));
        try (InputStream in = DaemonInterfaceTest.class.getResourceAsStream("aptostree-client.c")) {
            Files.write(c.resolve("aptostree-client.c"), in.readAllBytes());
        }
        String flags = Commands.run(List.of("pkg-config", "--cflags", "--libs", "gio-2.0", "gio-unix-2.0")).expectSuccess(List.of("pkg-config"))
                .out().strip();
        List<String> gcc = new ArrayList<>(List.of("gcc", "-Wall", "-o", c.resolve("aptostree-client").toString(),
                c.resolve("aptostree-client.c").toString(), c.resolve("aptostree-generated.c").toString(), "-I" + c));
        gcc.addAll(List.of(flags.split("\\s+")));
        Commands.run(gcc).expectSuccess(gcc);
        Commands.Result r = Commands.run(List.of(c.resolve("aptostree-client").toString(), bus.address));
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().startsWith("Ping: pong\nState: idle\n"), r.out());
        assertTrue(r.out().contains("Deployment: debian-"), "show_status with verbose=true: " + r.out());
    }

    @Test
    void aPythonGioClientFollowsATransactionToItsEnd() throws Exception {
        Path script = dir.resolve("aptostree-client.py");
        try (InputStream in = DaemonInterfaceTest.class.getResourceAsStream("aptostree-client.py")) {
            Files.write(script, in.readAllBytes());
        }
        Commands.Result r = Commands.run(List.of("/usr/bin/python3", script.toString(), bus.address, "rollback"));
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().matches("(?s)transaction /org/aptostree/dev/Transaction/\\d+\n.*"), r.out());
        assertTrue(r.out().contains("org.aptostree.dev.OS.TransactionChanged") && r.out().contains("'deploying'"), r.out());
        assertTrue(r.out().contains("org.aptostree.dev.OS.TransactionCompleted") && r.out().contains("result {\"changed\":true"), r.out());
    }

    /** A rollback through gdbus, followed to its end; its transaction's address. */
    static String rollback() throws Exception {
        String out = Commands.run(Commands.gdbusCall(bus.address, "/org/aptostree/dev/OS", "org.aptostree.dev.OS.rollback", "{}"))
                .expectSuccess(List.of("gdbus call rollback")).out();
        String address = out.replaceAll("(?s).*'(/org/aptostree/dev/Transaction/\\d+)'.*", "$1").strip();
        waitFor(() -> Commands.run(List.of("busctl", "--address=" + bus.address, "get-property", DaemonClient.NAME, address,
                "org.aptostree.dev.Transaction", "State")).out().contains("completed"), address + " to complete");
        return address;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitFor(Check check, String what) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (check.ok()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("waited a minute for " + what);
    }
}
