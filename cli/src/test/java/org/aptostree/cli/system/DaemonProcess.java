package org.aptostree.cli.system;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.aptostree.daemon.dbus.BusConnection;
import org.aptostree.daemon.dbus.BusException;

/**
 * apt-ostreed as a process of its own, on a private bus, as the tests run it: started from the test's class path,
 * its log (stderr) appended to a file, and stopped or killed (SIGKILL) like any daemon.
 */
final class DaemonProcess implements AutoCloseable {
    final Process process;
    final Path log;

    private DaemonProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The command that starts the daemon from this JVM's class path (what a D-Bus activation file execs, too). */
    static List<String> command(String busAddress, Path sysroot, String... extra) {
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-Daptostree.checkIncrementalCommit=" + Boolean.getBoolean("aptostree.checkIncrementalCommit"), "-cp", classPath(), "org.aptostree.daemon.service.DaemonMain", "--sysroot=" + sysroot,
                "--bus=" + busAddress));
        c.addAll(List.of(extra));
        return c;
    }

    /** This JVM's class path, with surefire's manifest-only jar expanded (a process started by another may not find it). */
    static String classPath() {
        List<String> out = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (p.getFileName().toString().startsWith("surefirebooter")) {
                try (java.util.jar.JarFile jar = new java.util.jar.JarFile(p.toFile())) {
                    String cp = jar.getManifest().getMainAttributes().getValue("Class-Path");
                    for (String u : cp.split(" ")) {
                        if (!u.isBlank()) {
                            out.add(Path.of(java.net.URI.create(u.startsWith("file:") ? u : p.getParent().toUri().resolve(u).toString())).toString());
                        }
                    }
                } catch (IOException ex) {
                    throw new IllegalStateException("cannot read " + p + ": " + ex.getMessage(), ex);
                }
            } else {
                out.add(e);
            }
        }
        return String.join(File.pathSeparator, out);
    }

    /** Starts the daemon and waits until it owns its name (a minute at most). */
    static DaemonProcess start(PrivateSystemBus bus, Path sysroot, Path log, String... extra) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(bus.address, sysroot, extra)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        DaemonProcess d = new DaemonProcess(p, log);
        try (BusConnection c = BusConnection.open(bus.address)) {
            for (int i = 0; i < 600; i++) {
                if (ownedBy(c, p.pid())) {
                    return d;
                }
                if (!p.isAlive()) {
                    throw new IOException("apt-ostreed exited with " + p.exitValue() + ": " + d.log());
                }
                Thread.sleep(100);
            }
        }
        p.destroyForcibly();
        throw new IOException("apt-ostreed did not own " + DaemonClient.NAME + " within a minute: " + d.log());
    }

    static boolean owned(BusConnection c) throws IOException {
        try {
            return Boolean.TRUE.equals(c.callDriver("NameHasOwner", "s", DaemonClient.NAME)[0]);
        } catch (BusException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Whether the process {@code pid} owns the name: right after a kill the bus may still list the dead daemon as
     * its owner, and a call would then end in "disconnected without replying".
     */
    static boolean ownedBy(BusConnection c, long pid) throws IOException {
        try {
            return ((Number) c.callDriver("GetConnectionUnixProcessID", "s", DaemonClient.NAME)[0]).longValue() == pid;
        } catch (BusException e) {
            return false; // no owner yet
        }
    }

    long pid() {
        return process.pid();
    }

    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** SIGKILL, and waits for the process to be gone. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    boolean waitForExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    kill9();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
