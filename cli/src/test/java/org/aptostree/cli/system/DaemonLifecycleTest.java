package org.aptostree.cli.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.aptostree.daemon.dbus.BusConnection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's life: it starts on a host that is not an OSTree system and says so on every OS method with the
 * design note's text; it exits when idle for the time set on its command line or in apt-ostreed.conf; D-Bus
 * activation (a service file in the private bus's service directory) starts it on the first call, again after it
 * exited.
 */
class DaemonLifecycleTest {
    @TempDir
    Path dir;

    @BeforeEach
    void tools() {
        RequiredTools.requireTools("dbus-daemon", "gdbus", "busctl", "ostree");
    }

    @Test
    void onAHostThatIsNotAnOstreeSystemPingAndStatusWorkAndOsMethodsSaySo() throws Exception {
        Path plain = Files.createDirectories(dir.resolve("plain"));
        try (PrivateSystemBus bus = PrivateSystemBus.start(dir.resolve("bus"), Optional.empty());
                DaemonProcess d = DaemonProcess.start(bus, plain, dir.resolve("daemon.log"), "--idle-exit=0")) {
            assertEquals("('pong',)", Commands.run(Commands.gdbusCall(bus.address, "/org/aptostree/dev", "org.aptostree.dev.Daemon.Ping"))
                    .out().strip());
            Commands.Result status = CliProcess.run(bus.address, "daemon-status");
            assertEquals(0, status.code(), status.err());
            assertTrue(status.out().contains("OSTree system: no: apt-ostree requires an OSTree environment to operate."), status.out());
            for (List<String> call : List.of(List.of("org.aptostree.dev.OS.show_status", "{}"), List.of("org.aptostree.dev.OS.rollback", "{}"),
                    List.of("org.aptostree.dev.OS.install_packages", "['hello']", "{}"), List.of("org.aptostree.dev.OS.show_package_info", "hello"))) {
                Commands.Result r = Commands.run(Commands.gdbusCall(bus.address, "/org/aptostree/dev/OS", call.get(0),
                        call.subList(1, call.size()).toArray(String[]::new)));
                assertNotEquals(0, r.code());
                assertTrue(r.err().contains("org.aptostree.dev.Error.NotOstreeSystem: apt-ostree requires an OSTree environment to operate."
                        + " This system does not appear to be running on an OSTree deployment (" + plain.resolve("ostree") + " is missing"), r.err());
                assertTrue(r.err().contains("To use apt-ostree: 1. Ensure you are running on an OSTree-based system 2. Verify that /ostree directory"
                        + " exists 3. Verify that /run/ostree-booted file exists 4. Ensure you have a valid booted deployment"), r.err());
            }
            Commands.Result cli = CliProcess.run(bus.address, "status", "--sysroot=" + plain);
            assertEquals(1, cli.code());
            assertTrue(cli.err().startsWith("error: apt-ostree requires an OSTree environment to operate."), cli.err());
            assertEquals(1, cli.err().strip().lines().count(), cli.err());
        }
    }

    @Test
    void exitsWhenIdleForTheTimeOnItsCommandLine() throws Exception {
        Path sysroot = SmallSysroot.create(dir.resolve("host"));
        try (PrivateSystemBus bus = PrivateSystemBus.start(dir.resolve("bus"), Optional.empty());
                DaemonProcess d = DaemonProcess.start(bus, sysroot, dir.resolve("daemon.log"), "--idle-exit=2")) {
            Commands.run(Commands.gdbusCall(bus.address, "/org/aptostree/dev", "org.aptostree.dev.Daemon.Ping")).expectSuccess(List.of("Ping"));
            assertTrue(d.waitForExit(30), "exited when idle: " + d.log());
            assertEquals(0, d.process.exitValue(), d.log());
            assertTrue(d.log().contains("In idle state; will auto-exit in"), d.log());
            assertTrue(d.log().contains("Exiting after 2 s without transactions or calls"), d.log());
        } finally {
            SmallSysroot.unlock(dir);
        }
    }

    @Test
    void exitsWhenIdleForTheTimeOfItsConfigurationFile() throws Exception {
        Path sysroot = SmallSysroot.create(dir.resolve("host"));
        Files.createDirectories(sysroot.resolve("etc/apt-ostree"));
        Files.writeString(sysroot.resolve("etc/apt-ostree/apt-ostreed.conf"), "[Daemon]\nIdleExitTimeout=1\nAutomaticUpdatePolicy=check\n");
        try (PrivateSystemBus bus = PrivateSystemBus.start(dir.resolve("bus"), Optional.empty());
                DaemonProcess d = DaemonProcess.start(bus, sysroot, dir.resolve("daemon.log"))) {
            assertTrue(d.waitForExit(30), "exited when idle: " + d.log());
            assertTrue(d.log().contains("idle exit after 1 s"), d.log());
        } finally {
            SmallSysroot.unlock(dir);
        }
    }

    @Test
    void dbusActivationStartsItOnTheFirstCallAndAgainAfterItExited() throws Exception {
        Path sysroot = SmallSysroot.create(dir.resolve("host"));
        Path services = Files.createDirectories(dir.resolve("services"));
        Path log = dir.resolve("activated.log");
        // The bus starts the daemon as the service file says, from this test's class path (the installed file execs
        // /usr/libexec/apt-ostreed); its stderr goes where the bus's goes, so a wrapper keeps it.
        Path wrapper = dir.resolve("apt-ostreed-activated");
        Files.writeString(wrapper, "#!/bin/sh\nexec " + String.join(" ", DaemonProcess.command("unix:path=" + dir.resolve("bus/system_bus_socket"),
                sysroot, "--idle-exit=2")).replace("--bus=unix:path=" + dir.resolve("bus/system_bus_socket"), "") + " 2>>" + log + "\n");
        Files.setAttribute(wrapper, "unix:mode", 0755);
        Files.writeString(services.resolve("org.aptostree.dev.service"), "[D-BUS Service]\nName=org.aptostree.dev\nExec=" + wrapper
                + "\nUser=root\n");
        try (PrivateSystemBus bus = PrivateSystemBus.start(dir.resolve("bus"), Optional.of(services));
                BusConnection c = BusConnection.open(bus.address)) {
            assertTrue(!DaemonProcess.owned(c), "not running before the first call");
            Commands.Result first = Commands.run(Commands.gdbusCall(bus.address, "/org/aptostree/dev", "org.aptostree.dev.Daemon.Ping"));
            assertEquals("('pong',)", first.out().strip(), first.err() + bus.log());
            DaemonInterfaceTest.waitFor(() -> !DaemonProcess.owned(c), "the activated daemon to exit when idle");
            assertTrue(Files.readString(log).contains("info: started by D-Bus activation"), Files.readString(log));
            Commands.Result status = CliProcess.run(bus.address, "status", "--sysroot=" + sysroot);
            assertEquals(0, status.code(), status.err());
            assertEquals("", status.err(), "through the daemon, activated again: no fallback message");
            assertTrue(status.out().startsWith("State: idle\n"), status.out());
            assertEquals(2, Files.readString(log).split("owns org.aptostree.dev", -1).length - 1, "started twice: " + Files.readString(log));
        } finally {
            SmallSysroot.unlock(dir);
        }
    }
}
