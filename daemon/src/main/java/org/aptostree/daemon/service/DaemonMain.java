package org.aptostree.daemon.service;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import org.aptostree.daemon.dbus.BusAddress;
import org.aptostree.daemon.dbus.LibraryLog;
import org.slf4j.event.Level;

/**
 * {@code apt-ostreed [--sysroot=DIR] [--bus=system|session|ADDRESS] [--idle-exit=SECONDS] [--log-level=LEVEL]}:
 * runs the daemon until it is idle for the idle timeout (or stopped).
 */
public final class DaemonMain {
    private static final String USAGE = "usage: apt-ostreed [--sysroot=DIR] [--bus=system|session|ADDRESS] [--idle-exit=SECONDS]"
            + " [--log-level=debug|info|warning|error|critical]";

    private DaemonMain() {
    }

    public static void main(String[] args) {
        long started = System.nanoTime();
        Path sysroot = Path.of("/");
        String bus = null;
        Optional<Long> idleExit = Optional.empty();
        try {
            for (String a : args) {
                if (a.startsWith("--sysroot=")) {
                    sysroot = Path.of(a.substring("--sysroot=".length())).toAbsolutePath().normalize();
                } else if (a.startsWith("--bus=")) {
                    bus = BusAddress.resolve(a.substring("--bus=".length()), System.getenv());
                } else if (a.startsWith("--idle-exit=")) {
                    idleExit = Optional.of(seconds(a.substring("--idle-exit=".length())));
                } else if (a.startsWith("--log-level=")) {
                    DaemonLog.setThreshold(DaemonLog.Level.parse(a.substring("--log-level=".length())));
                } else if (a.equals("--version")) {
                    System.out.println(Daemon.VERSION);
                    return;
                } else if (a.equals("--help") || a.equals("-h")) {
                    System.out.println(USAGE);
                    return;
                } else {
                    throw new IllegalArgumentException("unknown argument '" + a + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("apt-ostreed: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        LibraryLog.sendTo((level, message) -> DaemonLog.log(level == Level.ERROR ? DaemonLog.Level.ERROR : DaemonLog.Level.WARNING,
                "dbus-java: " + message));
        String address = bus != null ? bus : BusAddress.systemOrStarter(System.getenv());
        if (bus == null && System.getenv("DBUS_STARTER_ADDRESS") != null) {
            DaemonLog.info("started by D-Bus activation");
        }
        // Before the name is owned: a SIGTERM right after would otherwise find the JVM shutting down ("Shutdown in
        // progress") when main registers the hook.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> DaemonLog.info("stopping"), "shutdown"));
        try {
            Daemon.start(sysroot, address, idleExit, started);
        } catch (IOException e) {
            DaemonLog.critical(e.getMessage());
            System.exit(1);
        }
        // The daemon's threads do the work; main has nothing more to do but must not end the process.
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long seconds(String text) {
        try {
            long s = Long.parseLong(text);
            if (s >= 0) {
                return s;
            }
        } catch (NumberFormatException e) {
            // Refused below.
        }
        throw new IllegalArgumentException("--idle-exit: expected a number of seconds (0: never), not '" + text + "'");
    }
}
