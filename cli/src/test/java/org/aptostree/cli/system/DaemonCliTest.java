package org.aptostree.cli.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.aptostree.cli.InProcessCli;
import org.aptostree.cli.Main;
import org.aptostree.ostree.sysroot.Sysroot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI through apt-ostreed and in direct mode gives the same output, exit code and {@code --json}: the same
 * verbs run on two sysroots made alike, one managed by the daemon and one with {@code --direct}, and are compared
 * (stdout, stderr and the exit code, the sysroot's path aside). Without a daemon root falls back with the design
 * note's words; a user asking for a change gets an error. The direct runs of the comparison are in this JVM
 * ({@code Main.execute}, as {@code main} runs it): a process of its own for each would only add a JVM's start.
 */
class DaemonCliTest {
    @TempDir
    static Path dir;
    static PrivateSystemBus bus;
    static DaemonProcess daemon;
    static Path viaDaemon;
    static Path direct;

    @BeforeAll
    static void start() throws Exception {
        RequiredTools.requireTools("dbus-daemon", "ostree", "setpriv", "useradd");
        viaDaemon = SmallSysroot.create(dir.resolve("a"));
        direct = SmallSysroot.create(dir.resolve("b"));
        bus = PrivateSystemBus.start(dir.resolve("bus"), Optional.empty());
        daemon = DaemonProcess.start(bus, viaDaemon, dir.resolve("daemon.log"), "--idle-exit=0");
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

    /** One verb both ways; returns the daemon's run. */
    private static Commands.Result both(String... verb) throws Exception {
        List<String> a = new ArrayList<>(List.of(verb));
        a.add("--sysroot=" + viaDaemon);
        List<String> b = new ArrayList<>(List.of(verb));
        b.add("--sysroot=" + direct);
        b.add("--direct");
        Commands.Result d = CliProcess.run(bus.address, a.toArray(String[]::new));
        Commands.Result x = inProcess(b.toArray(String[]::new));
        String what = String.join(" ", verb);
        assertEquals(x.code(), d.code(), what + ": exit code; daemon's stderr: " + d.err());
        assertEquals(x.out().replace(direct.toString(), "SYSROOT"), d.out().replace(viaDaemon.toString(), "SYSROOT"), what + ": stdout");
        assertEquals(x.err().replace(direct.toString(), "SYSROOT"), d.err().replace(viaDaemon.toString(), "SYSROOT"), what + ": stderr");
        return d;
    }

    /** {@code apt-ostree ARGS} in this JVM, its stdout and stderr caught. */
    private static Commands.Result inProcess(String... args) {
        InProcessCli.Result r = InProcessCli.run(args);
        return new Commands.Result(r.code(), r.out(), r.err());
    }

    @Test
    void theSameOutputsThroughTheDaemonAndInDirectMode() throws Exception {
        both("status");
        both("status", "--json");
        both("status", "-v");
        both("status", "--booted");
        both("status", "--pending-exit-77");
        both("kargs");
        both("db", "list");
        both("db", "diff");
        assertEquals(0, both("rollback").code());
        both("status", "--json");
        both("kargs", "--append=quiet", "--append=console=ttyS0");
        assertEquals(77, both("kargs", "--append-if-missing=quiet", "--unchanged-exit-77").code());
        both("kargs", "--delete=quiet");
        both("kargs", "--deploy-index=1");
        both("cleanup", "-r");
        assertEquals(1, both("rollback").code());
        assertEquals(1, both("cleanup").code());
        assertEquals(1, both("status", "--os=nosuchos").code());
        both("upgrade");
        assertEquals(77, both("upgrade", "--unchanged-exit-77").code());
        both("upgrade", "--check");
        String v1 = SmallSysroot.ostree("rev-parse", "--repo=" + viaDaemon.resolve("ostree/repo"), "debian/test^").strip();
        both("deploy", v1);
        both("status");
        assertEquals(1, both("install", "hello-layer").code());
        assertEquals(1, both("search", "hello").code());
        both("info", "hello-layer");
        both("upgrade", "--trigger-automatic-update-policy");
        for (Path root : List.of(direct, viaDaemon)) {
            Files.createDirectories(root.resolve("etc/apt-ostree"));
            Files.writeString(root.resolve("etc/apt-ostree/apt-ostreed.conf"), "[Daemon]\nAutomaticUpdatePolicy=check\n");
        }
        both("upgrade", "--trigger-automatic-update-policy");
        Commands.Result status = CliProcess.run(bus.address, "status", "--sysroot=" + viaDaemon);
        assertTrue(status.out().contains("AutomaticUpdates: check; apt-ostreed-automatic.timer: last run "), status.out() + status.err());
        for (Path root : List.of(direct, viaDaemon)) {
            Files.delete(root.resolve("etc/apt-ostree/apt-ostreed.conf"));
        }
        assertEquals(Sysroot.load(direct).deployments().size(), Sysroot.load(viaDaemon).deployments().size());
    }

    @Test
    void withoutADaemonRootFallsBackToDirectModeSayingSo() throws Exception {
        Commands.Result none = CliProcess.run(null, "status", "--sysroot=" + direct);
        assertEquals(0, none.code(), none.err());
        assertEquals("Daemon is not running. Using direct system calls.\n", none.err());
        assertEquals(CliProcess.run(null, "status", "--sysroot=" + direct, "--direct").out(), none.out());
        Commands.Result other = CliProcess.run(bus.address, "status", "--sysroot=" + direct);
        assertEquals("apt-ostreed manages " + viaDaemon + ", not " + direct + ". Using direct system calls.\n", other.err());
    }

    @Test
    void withoutADaemonAUsersChangeIsAnError() throws Exception {
        TestUsers.ensure();
        Commands.Result r = CliProcess.runAs(null, TestUsers.ALLOWED, "rollback", "--sysroot=" + direct);
        assertEquals(1, r.code(), r.out());
        assertEquals("error: apt-ostreed cannot do this (no system bus at /nonexistent/system_bus_socket), and changing the system without it"
                + " needs root\n", r.err());
    }

    @Test
    void daemonPingAndStatus() throws Exception {
        Commands.Result ping = CliProcess.run(bus.address, "daemon-ping");
        assertEquals("pong\n", ping.out());
        Commands.Result status = CliProcess.run(bus.address, "daemon-status");
        assertEquals(0, status.code(), status.err());
        assertTrue(status.out().startsWith("apt-ostreed 0.1.0\n"), status.out());
        assertTrue(status.out().contains("        Sysroot: " + viaDaemon + "\n") && status.out().contains("  OSTree system: yes\n"), status.out());
        Commands.Result none = CliProcess.run(null, "daemon-ping");
        assertEquals(1, none.code());
        assertTrue(none.err().startsWith("error: apt-ostreed is not running: no system bus at"), none.err());
    }
}
