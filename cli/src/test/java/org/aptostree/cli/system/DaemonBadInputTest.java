package org.aptostree.cli.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.aptostree.daemon.dbus.BusConnection;
import org.aptostree.daemon.dbus.BusException;
import org.aptostree.daemon.dbus.Values;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input is refused before anything is queued, with {@code org.aptostree.dev.Error.InvalidArgument} (or
 * AccessDenied) naming the method, the argument and what is wrong; the calls come from {@code gdbus} as a user
 * would type them, and the 100,000 names from a client of our own (no command line holds them).
 */
class DaemonBadInputTest {
    @TempDir
    static Path dir;
    static PrivateSystemBus bus;
    static DaemonProcess daemon;

    @BeforeAll
    static void start() throws Exception {
        RequiredTools.requireTools("dbus-daemon", "gdbus", "busctl", "dbus-send", "ostree");
        Path sysroot = SmallSysroot.create(dir.resolve("host"));
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

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown option key         | install_packages  | ['hello']                                 | {'frobnicate': <true>}                  | install_packages: argument 'options': unknown key 'frobnicate'
            option of the wrong type   | install_packages  | ['hello']                                 | {'dry-run': <'yes'>}                    | install_packages: argument 'options': 'dry-run' must be of type b, not s
            empty name                 | install_packages  | ['hello', '']                             | {}                                      | install_packages: argument 'packages': the name at index 1 is empty
            malformed name             | install_packages  | ['Hello World']                           | {}                                      | install_packages: argument 'packages': Invalid package name 'Hello World'
            a path, not a name         | install_packages  | ['/tmp/evil.deb']                         | {}                                      | install_packages: argument 'packages': '/tmp/evil.deb' is a file, which the daemon does not open for callers
            no name at all             | install_packages  | @as []                                    | {}                                      | install_packages: argument 'packages': no package given
            not a .deb                 | install_packages  | @as []                                    | {'local-packages': <[b'not a deb']>}    | install_packages: argument 'options': 'local-packages': the package at index 0 is not a .deb
            remove nothing             | remove_packages   | @as []                                    | {}                                      | remove_packages: argument 'packages': no package given (or option all=true)
            empty revision             | deploy            | ''                                        | {}                                      | deploy: argument 'revision' is empty
            unknown stateroot          | rollback          | {'os': <'nosuchos'>}                      |                                         | No stateroot named 'nosuchos'
            kargs without a change     | kargs             | {}                                        |                                         | kargs: argument 'options': no change given
            kargs of the wrong type    | kargs             | {'append': <'quiet'>}                     |                                         | kargs: argument 'options': 'append' must be of type as, not s
            cleanup of nothing         | cleanup           | {}                                        |                                         | cleanup: argument 'options': at least one of pending, rollback, base or repomd must be true
            unknown modifier           | update_deployment | {'install-everything': <true>}            | {}                                      | update_deployment: argument 'modifiers': unknown key 'install-everything'
            modifier of the wrong type | update_deployment | {'install-packages': <'hello'>}           | {}                                      | update_deployment: argument 'modifiers': 'install-packages' must be of type as, not s
            nothing to update          | update_deployment | {}                                        | {'no-pull-base': <true>}                | update_deployment: argument 'modifiers': nothing to change
            cancel of no transaction   | cancel            | '/org/aptostree/dev/Transaction/999999'   | {}                                      | cancel: argument 'transaction_address': no transaction at '/org/aptostree/dev/Transaction/999999'
            status option              | show_status       | {'colour': <true>}                        |                                         | show_status: argument 'options': unknown key 'colour'
            """)
    void refusedNamingTheArgument(String what, String method, String first, String second, String message) throws Exception {
        List<String> args = new ArrayList<>(List.of(first));
        if (second != null) {
            args.add(second);
        }
        String before = queue();
        Commands.Result r = Commands.run(Commands.gdbusCall(bus.address, "/org/aptostree/dev/OS", "org.aptostree.dev.OS." + method,
                args.toArray(String[]::new)));
        assertEquals(1, r.code(), what + ": " + r.out());
        assertTrue(r.err().contains("GDBus.Error:org.aptostree.dev.Error.InvalidArgument: " + message), what + ": " + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertEquals(before, queue(), "nothing queued by " + what);
    }

    /** Arguments of the wrong types, from dbus-send, which sends what it is told (gdbus would check them against introspection). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a string for an array          | install_packages  | string:hello           |                  | install_packages: argument 'packages' must be of type as, not s
            a missing argument             | install_packages  | array:string:hello     |                  | install_packages: argument 'options' (a{sv}) is missing
            an extra argument              | show_package_info | string:hello           | string:extra     | show_package_info takes 1 argument(s) (s), not 2 (ss)
            a dictionary of strings        | kargs             | dict:string:string:a,b |                  | kargs: argument 'options' must be of type a{sv}, not a{ss}
            an array for a string          | show_package_info | array:string:hello     |                  | show_package_info: argument 'package' must be of type s, not as
            """)
    void wrongSignaturesAreRefusedNamingTheArgument(String what, String method, String first, String second, String message) throws Exception {
        List<String> c = new ArrayList<>(List.of("dbus-send", "--print-reply", "--bus=" + bus.address, "--dest=" + DaemonClient.NAME,
                "/org/aptostree/dev/OS", "org.aptostree.dev.OS." + method, first));
        if (second != null) {
            c.add(second);
        }
        String before = queue();
        Commands.Result r = Commands.run(c);
        assertEquals(1, r.code(), what + ": " + r.out());
        assertEquals("Error org.aptostree.dev.Error.InvalidArgument: " + message, r.err().strip(), what);
        assertEquals(before, queue(), "nothing queued by " + what);
    }

    @Test
    void aHundredThousandNamesInOneCall() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            names.add("pkg" + i);
        }
        try (BusConnection c = BusConnection.open(bus.address)) {
            BusException e = assertThrows(BusException.class, () -> c.call(DaemonClient.NAME, DaemonClient.OS_PATH, DaemonClient.OS_INTERFACE,
                    "install_packages", "asa{sv}", names, Map.of()));
            assertEquals("org.aptostree.dev.Error.InvalidArgument", e.name());
            assertEquals("install_packages: argument 'packages': 100000 names in one call; at most 4096", e.getMessage());
            BusException u = assertThrows(BusException.class, () -> c.call(DaemonClient.NAME, DaemonClient.OS_PATH, DaemonClient.OS_INTERFACE,
                    "update_deployment", "a{sv}a{sv}", Map.of("uninstall-packages", Values.variant(names, "as")), Map.of()));
            assertTrue(u.getMessage().startsWith("update_deployment: argument 'modifiers': 'uninstall-packages': 100000 names"), u.getMessage());
        }
        assertEquals("ao 0", queue());
    }

    @Test
    void unknownObjectsAndMethodsAreTheStandardErrors() throws Exception {
        Commands.Result noMethod = Commands.run(Commands.gdbusCall(bus.address, "/org/aptostree/dev/OS", "org.aptostree.dev.OS.frobnicate"));
        assertTrue(noMethod.err().contains("org.freedesktop.DBus.Error.UnknownMethod"), noMethod.err());
        Commands.Result noObject = Commands.run(Commands.gdbusCall(bus.address, "/org/aptostree/dev/Nothing", "org.aptostree.dev.OS.rollback", "{}"));
        assertTrue(noObject.err().contains("org.freedesktop.DBus.Error.UnknownObject"), noObject.err());
        Commands.Result readOnly = Commands.run(List.of("busctl", "--address=" + bus.address, "set-property", DaemonClient.NAME,
                "/org/aptostree/dev/Sysroot", "org.aptostree.dev.Sysroot", "AutomaticUpdatePolicy", "s", "stage"));
        assertTrue(readOnly.err().contains("read-only"), readOnly.err());
    }

    private static String queue() throws Exception {
        return Commands.run(List.of("busctl", "--address=" + bus.address, "get-property", DaemonClient.NAME, "/org/aptostree/dev",
                "org.aptostree.dev.Daemon", "Queue")).out().strip();
    }
}
