package org.aptostree.cli.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code polkitd} on a private bus, with the daemon's shipped actions and a rules file of the test's: in a
 * mount namespace of its own, where the test's directories are bound over {@code /usr/share/polkit-1/actions} and
 * {@code /etc/polkit-1/rules.d}, so the host's polkit configuration is neither read nor changed. It starts as root
 * and drops to the {@code polkitd} user itself.
 */
final class Polkit implements AutoCloseable {
    static final String POLKITD = "/usr/lib/polkit-1/polkitd";

    private final Process process;
    private final Path log;

    private Polkit(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts polkitd on {@code bus}, with {@code rules} (JavaScript) as its only rules file, and waits until it owns
     * its name.
     */
    static Polkit start(PrivateSystemBus bus, Path dir, String rules) throws IOException, InterruptedException {
        Path actions = Files.createDirectories(dir.resolve("actions"));
        Files.copy(PrivateSystemBus.shippedFile("usr/share/polkit-1/actions/org.aptostree.dev.policy"), actions.resolve("org.aptostree.dev.policy"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path rulesDir = Files.createDirectories(dir.resolve("rules.d"));
        Files.writeString(rulesDir.resolve("50-aptostree-test.rules"), rules);
        Commands.run(List.of("chown", "-R", "polkitd", rulesDir.toString())).expectSuccess(List.of("chown"));
        Files.setAttribute(rulesDir, "unix:mode", 0700);
        Files.setAttribute(dir, "unix:mode", 0755);
        Path log = dir.resolve("polkitd.log");
        String script = "mount --bind " + actions + " /usr/share/polkit-1/actions && mount --bind " + rulesDir
                + " /etc/polkit-1/rules.d && exec " + POLKITD + " --no-debug";
        ProcessBuilder pb = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", "-c", script)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("DBUS_SYSTEM_BUS_ADDRESS", bus.address);
        Process p = pb.start();
        for (int i = 0; i < 200; i++) {
            Commands.Result r = Commands.run(List.of("busctl", "--address=" + bus.address, "status", "org.freedesktop.PolicyKit1"));
            if (r.code() == 0) {
                return new Polkit(p, log);
            }
            if (!p.isAlive()) {
                throw new IOException("polkitd did not start: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new IOException("polkitd did not own org.freedesktop.PolicyKit1 within 10 s: " + Files.readString(log));
    }

    /** The test's rules: the allowed user may do everything apt-ostreed asks about, the denied one nothing. */
    static String rules(String allowed, String denied) {
        return """
                polkit.addRule(function(action, subject) {
                    if (action.id.indexOf("org.aptostree.dev.") == 0) {
                        if (subject.user == "%s") { return polkit.Result.YES; }
                        if (subject.user == "%s") { return polkit.Result.NO; }
                    }
                });
                """.formatted(allowed, denied);
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
