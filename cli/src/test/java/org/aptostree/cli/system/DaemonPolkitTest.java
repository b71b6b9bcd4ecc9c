package org.aptostree.cli.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.aptostree.ostree.sysroot.Sysroot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authorization with the real polkitd: its rules allow one test user and deny another; a third, whom no rule
 * names, meets the shipped default (an administrator's password) with no agent to ask, which is a no. A user
 * polkit refuses gets AccessDenied and nothing is queued; reading needs no authorization; with polkitd gone, root
 * alone may change the system.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DaemonPolkitTest {
    @TempDir
    static Path dir;
    static PrivateSystemBus bus;
    static Polkit polkit;
    static DaemonProcess daemon;
    static Path sysroot;

    @BeforeAll
    static void start() throws Exception {
        RequiredTools.requireTools("dbus-daemon", Polkit.POLKITD, "gdbus", "busctl", "ostree", "setpriv", "unshare", "useradd");
        TestUsers.ensure();
        sysroot = SmallSysroot.create(dir.resolve("host"));
        bus = PrivateSystemBus.start(dir.resolve("bus"), Optional.empty());
        polkit = Polkit.start(bus, dir.resolve("polkit"), Polkit.rules(TestUsers.ALLOWED, TestUsers.DENIED));
        daemon = DaemonProcess.start(bus, sysroot, dir.resolve("daemon.log"), "--idle-exit=0");
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (polkit != null) {
            polkit.close();
        }
        if (bus != null) {
            bus.close();
        }
        SmallSysroot.unlock(dir);
    }

    private static Commands.Result kargsAs(String user, String arg) throws Exception {
        return Commands.run(Commands.gdbusCall(bus.address, "/org/aptostree/dev/OS", "org.aptostree.dev.OS.kargs",
                "{'append': <['" + arg + "']>}"), java.util.Map.of(), user);
    }

    private static String queueAndCount() throws Exception {
        String queue = Commands.run(List.of("busctl", "--address=" + bus.address, "get-property", DaemonClient.NAME, "/org/aptostree/dev",
                "org.aptostree.dev.Daemon", "Queue")).out().strip();
        String transactions = Commands.run(List.of("busctl", "--address=" + bus.address, "get-property", DaemonClient.NAME, "/org/aptostree/dev",
                "org.aptostree.dev.Daemon", "Transactions")).out();
        return queue + " / " + transactions.split(" ")[1];
    }

    private static String defaultKargs() throws Exception {
        return Sysroot.load(sysroot).deployments().get(0).kernelArgs().toString();
    }

    @Test
    @Order(1)
    void theAllowedUserChangesTheSystem() throws Exception {
        Commands.Result r = kargsAs(TestUsers.ALLOWED, "allowed=1");
        assertEquals(0, r.code(), r.err());
        String address = r.out().replaceAll("(?s).*'(/org/aptostree/dev/Transaction/\\d+)'.*", "$1").strip();
        DaemonInterfaceTest.waitFor(() -> Commands.run(List.of("busctl", "--address=" + bus.address, "get-property", DaemonClient.NAME, address,
                "org.aptostree.dev.Transaction", "State")).out().contains("completed"), address + " to complete");
        assertTrue(defaultKargs().contains("allowed=1"), defaultKargs());
        String initiator = Commands.run(List.of("busctl", "--address=" + bus.address, "get-property", DaemonClient.NAME, address,
                "org.aptostree.dev.Transaction", "Initiator")).out();
        assertTrue(initiator.startsWith("(uts) " + TestUsers.uid(TestUsers.ALLOWED) + " "), initiator);
    }

    @Test
    @Order(2)
    void theDeniedUserIsRefusedAndNothingIsQueued() throws Exception {
        String before = queueAndCount();
        String kargs = defaultKargs();
        Commands.Result r = kargsAs(TestUsers.DENIED, "denied=1");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("org.freedesktop.DBus.Error.AccessDenied: Not authorized: org.aptostree.dev.bootconfig is not allowed for user "
                + TestUsers.DENIED), r.err());
        assertEquals(before, queueAndCount(), "nothing queued");
        assertEquals(kargs, defaultKargs());
    }

    @Test
    @Order(3)
    void aUserNoRuleNamesMeetsTheDefaultAndNoAgentMeansNo() throws Exception {
        String before = queueAndCount();
        Commands.Result r = kargsAs(TestUsers.OTHER, "other=1");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("AccessDenied") && r.err().contains("authentication is required and no authentication agent answered"), r.err());
        assertEquals(before, queueAndCount(), "nothing queued");
    }

    @Test
    @Order(4)
    void readingNeedsNoAuthorization() throws Exception {
        Commands.Result r = Commands.run(Commands.gdbusCall(bus.address, "/org/aptostree/dev/OS", "org.aptostree.dev.OS.show_status", "{}"),
                java.util.Map.of(), TestUsers.DENIED);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("State: idle"), r.out());
    }

    @Test
    @Order(5)
    void nobodyButTheInitiatorOrRootCancelsATransaction() throws Exception {
        Commands.Result mine = kargsAs(TestUsers.ALLOWED, "mine=1");
        assertEquals(0, mine.code(), mine.err());
        String address = mine.out().replaceAll("(?s).*'(/org/aptostree/dev/Transaction/\\d+)'.*", "$1").strip();
        Commands.Result r = Commands.run(Commands.gdbusCall(bus.address, "/org/aptostree/dev/OS", "org.aptostree.dev.OS.cancel", address, "{}"),
                java.util.Map.of(), TestUsers.OTHER);
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("AccessDenied: cancel: argument 'transaction_address': " + address + " was started by uid "
                + TestUsers.uid(TestUsers.ALLOWED)), r.err());
    }

    @Test
    @Order(6)
    void theCliAsAUserGoesThroughTheDaemonAndPolkit() throws Exception {
        Commands.Result allowed = CliProcess.runAs(bus.address, TestUsers.ALLOWED, "kargs", "--append=cli=1", "--sysroot=" + sysroot);
        assertEquals(0, allowed.code(), allowed.err() + allowed.out());
        assertTrue(allowed.out().startsWith("Kernel arguments updated."), allowed.out());
        Commands.Result denied = CliProcess.runAs(bus.address, TestUsers.DENIED, "kargs", "--append=cli=2", "--sysroot=" + sysroot);
        assertEquals(1, denied.code());
        assertEquals("error: Not authorized: org.aptostree.dev.bootconfig is not allowed for user " + TestUsers.DENIED + " (uid "
                + TestUsers.uid(TestUsers.DENIED) + ")\n", denied.err());
    }

    @Test
    @Order(7)
    void withoutPolkitdOnlyRootMayChangeTheSystem() throws Exception {
        polkit.close();
        Commands.Result user = kargsAs(TestUsers.ALLOWED, "nopolkit=1");
        assertNotEquals(0, user.code());
        assertTrue(user.err().contains("org.freedesktop.DBus.Error.AccessDenied: Authorization error: polkit unavailable"), user.err());
        Commands.Result root = kargsAs(null, "root=1");
        assertEquals(0, root.code(), root.err());
        assertTrue(daemon.log().contains("polkit unavailable"), daemon.log());
    }
}
