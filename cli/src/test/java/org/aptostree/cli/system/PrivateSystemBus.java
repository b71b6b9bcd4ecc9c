package org.aptostree.cli.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A system-type {@code dbus-daemon} of the test's own, listening on a socket in a temporary directory: the default
 * policy of {@code /usr/share/dbus-1/system.conf}, every user allowed to connect, root alone allowed to own
 * {@code org.aptostree.dev} (as the shipped policy says), the installed policies of system.d (polkit's), and
 * optionally a service directory for activation.
 */
final class PrivateSystemBus implements AutoCloseable {
    final Path dir;
    final String address;
    private final Process process;

    private PrivateSystemBus(Path dir, String address, Process process) {
        this.dir = dir;
        this.address = address;
        this.process = process;
    }

    /** Starts a bus in {@code dir} (made world-searchable so that test users reach the socket). */
    static PrivateSystemBus start(Path dir, Optional<Path> serviceDir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        // polkitd (which drops to its own user) and the test users connect too: the socket must be reachable.
        Files.setAttribute(dir.getParent(), "unix:mode", 0755);
        Files.setAttribute(dir, "unix:mode", 0755);
        Path socket = dir.resolve("system_bus_socket");
        Path shipped = shippedPolicy();
        String conf = """
                <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
                 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
                <busconfig>
                  <type>system</type>
                  <listen>unix:path=%s</listen>
                  <auth>EXTERNAL</auth>
                  %s
                  <policy context="default">
                    <allow user="*"/>
                    <deny own="*"/>
                    <deny send_type="method_call"/>
                    <allow send_type="signal"/>
                    <allow send_requested_reply="true" send_type="method_return"/>
                    <allow send_requested_reply="true" send_type="error"/>
                    <allow receive_type="method_call"/>
                    <allow receive_type="method_return"/>
                    <allow receive_type="error"/>
                    <allow receive_type="signal"/>
                    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
                    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
                    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
                    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Peer"/>
                    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus" send_member="UpdateActivationEnvironment"/>
                    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Debug.Stats"/>
                    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.systemd1.Activator"/>
                  </policy>
                  <policy user="root">
                    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.systemd1.Activator"/>
                  </policy>
                  <include>%s</include>
                  <includedir>/usr/share/dbus-1/system.d</includedir>
                </busconfig>
                """.formatted(socket, serviceDir.map(d -> "<servicedir>" + d + "</servicedir>").orElse(""), shipped);
        Path confFile = dir.resolve("bus.conf");
        Files.writeString(confFile, conf);
        Path log = dir.resolve("dbus-daemon.log");
        Process p = new ProcessBuilder("dbus-daemon", "--config-file=" + confFile, "--nofork", "--print-address=1")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        for (int i = 0; i < 200; i++) {
            String printed = Files.readString(log, StandardCharsets.UTF_8);
            if (printed.contains("unix:path=")) {
                return new PrivateSystemBus(dir, "unix:path=" + socket, p);
            }
            if (!p.isAlive()) {
                throw new IOException("dbus-daemon did not start: " + printed);
            }
            Thread.sleep(25);
        }
        p.destroyForcibly();
        throw new IOException("dbus-daemon printed no address within 5 s");
    }

    /** The shipped bus policy, from the daemon's sources (the test runs from the cli module's directory). */
    static Path shippedPolicy() {
        return shippedFile("usr/share/dbus-1/system.d/org.aptostree.dev.conf");
    }

    /** A file the daemon ships, below daemon/src/main/dist. */
    static Path shippedFile(String relative) {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            Path f = p.resolve("daemon/src/main/dist").resolve(relative);
            if (Files.exists(f)) {
                return f;
            }
        }
        throw new IllegalStateException("daemon/src/main/dist/" + relative + " not found above " + here);
    }

    /** What dbus-daemon logged. */
    String log() throws IOException {
        return Files.readString(dir.resolve("dbus-daemon.log"), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
