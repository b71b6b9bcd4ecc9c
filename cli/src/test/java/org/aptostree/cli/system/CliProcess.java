package org.aptostree.cli.system;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CLI as a process of its own, as a user runs it: its environment names the system bus, and it may run as a
 * test user. The class path of a user's CLI is a copy readable by everyone (the build's may sit below root's home).
 */
final class CliProcess {
    private static Path sharedClassPath;

    private CliProcess() {
    }

    /** {@code apt-ostree ARGS} as root on the bus at {@code busAddress} (null: no bus at all). */
    static Commands.Result run(String busAddress, String... args) throws IOException, InterruptedException {
        return runAs(busAddress, null, args);
    }

    /** {@code apt-ostree ARGS} as {@code user} (null: root). */
    static Commands.Result runAs(String busAddress, String user, String... args) throws IOException, InterruptedException {
        String cp = user == null ? DaemonProcess.classPath() : sharedClassPath();
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", cp, "org.aptostree.cli.Main"));
        c.addAll(List.of(args));
        return Commands.run(c, Map.of("DBUS_SYSTEM_BUS_ADDRESS", busAddress == null ? "unix:path=/nonexistent/system_bus_socket" : busAddress,
                "LC_ALL", "C.UTF-8"), user);
    }

    private static synchronized String sharedClassPath() throws IOException, InterruptedException {
        if (sharedClassPath == null) {
            Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "aptostree-cp");
            Files.setAttribute(dir, "unix:mode", 0755);
            int i = 0;
            List<String> entries = new ArrayList<>();
            for (String e : DaemonProcess.classPath().split(File.pathSeparator)) {
                Path src = Path.of(e);
                Path dst = dir.resolve(i++ + "-" + src.getFileName());
                if (Files.isDirectory(src)) {
                    try (Stream<Path> walk = Files.walk(src)) {
                        for (Path p : (Iterable<Path>) walk::iterator) {
                            Path t = dst.resolve(src.relativize(p).toString());
                            if (Files.isDirectory(p)) {
                                Files.createDirectories(t);
                            } else {
                                Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                            }
                        }
                    }
                } else if (Files.exists(src)) {
                    Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
                }
                entries.add(dst.toString());
            }
            Commands.run(List.of("chmod", "-R", "a+rX", dir.toString()));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Commands.run(List.of("rm", "-rf", dir.toString()));
                } catch (IOException e) {
                    // The JVM is ending; a temporary directory may stay behind.
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            sharedClassPath = dir.resolve("classpath");
            Files.writeString(sharedClassPath, String.join(File.pathSeparator, entries));
        }
        return Files.readString(sharedClassPath);
    }
}
