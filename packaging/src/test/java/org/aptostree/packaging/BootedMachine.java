package org.aptostree.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A deployment booted with systemd as PID 1 by {@code systemd-nspawn --boot --keep-unit}, as an OSTree host boots
 * it: the deployment directory is {@code /}, the sysroot is at {@code /sysroot}, its {@code boot} at {@code /boot},
 * the stateroot's {@code var} at {@code /var}, and {@code /run/ostree-booted} exists (ostree-prepare-root's work in
 * a real boot). The network is the host's. Commands run inside through {@code nsenter} into all of the machine's
 * namespaces; machinectl would need a host systemd, which this machine does not run.
 */
final class BootedMachine implements AutoCloseable {
    private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Process nspawn;
    private final long leader;
    private final Path log;

    private BootedMachine(Process nspawn, long leader, Path log) {
        this.nspawn = nspawn;
        this.leader = leader;
        this.log = log;
    }

    /** Boots {@code deployment} of {@code sysroot} (stateroot {@code osname}) and waits until systemd says it is up. */
    static BootedMachine boot(Path sysroot, String osname, Path deployment, Path work, String name) throws Exception {
        Path marker = work.resolve("ostree-booted");
        Files.writeString(marker, "");
        Path log = work.resolve(name + ".console.log");
        List<String> command = List.of("systemd-nspawn", "--quiet", "--boot", "--keep-unit", "--register=no", "--console=pipe",
                "--machine=" + name, "--directory=" + deployment,
                "--bind=" + sysroot + ":/sysroot", "--bind=" + sysroot.resolve("boot") + ":/boot",
                "--bind=" + sysroot.resolve("ostree/deploy").resolve(osname).resolve("var") + ":/var",
                "--bind-ro=" + marker + ":/run/ostree-booted");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        long leader = -1;
        for (int i = 0; i < 200 && leader < 0; i++) {
            if (!p.isAlive()) {
                throw new IOException("systemd-nspawn exited " + p.exitValue() + ":\n" + Files.readString(log));
            }
            leader = p.children().filter(c -> c.info().command().map(x -> x.endsWith("systemd")).orElse(false))
                    .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
            Thread.sleep(50);
        }
        if (leader < 0) {
            p.destroyForcibly();
            throw new IOException("systemd-nspawn started no systemd:\n" + Files.readString(log));
        }
        BootedMachine m = new BootedMachine(p, leader, log);
        // Until systemd's own bus is up, systemctl cannot ask it and prints no state.
        Commands.Result state = m.root("systemctl is-system-running --wait");
        for (int i = 0; i < 120 && state.out().isBlank() && p.isAlive(); i++) {
            Thread.sleep(500);
            state = m.root("systemctl is-system-running --wait");
        }
        if (!state.out().strip().equals("running")) {
            String failed = m.root("systemctl --failed --no-legend; journalctl -b --no-pager -p warning | tail -n 50").out();
            m.close();
            throw new IOException("the machine is " + state.both().strip() + ", not running; failed units and warnings:\n" + failed);
        }
        return m;
    }

    /** Runs {@code script} with sh as root in the machine. */
    Commands.Result root(String script) throws IOException, InterruptedException {
        return Commands.exec(enter(List.of("/bin/sh", "-c", script)), Map.of());
    }

    /** Runs {@code script} with sh as {@code user}, with the user's groups, as a login would. */
    Commands.Result as(String user, String script) throws IOException, InterruptedException {
        return Commands.exec(enter(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "--reset-env",
                "/bin/sh", "-c", script)), Map.of());
    }

    private List<String> enter(List<String> command) {
        List<String> out = new ArrayList<>(List.of("nsenter", "--target=" + leader, "--all", "env", "-i", "PATH=" + PATH, "LANG=C.UTF-8",
                "HOME=/root"));
        out.addAll(command);
        return out;
    }

    /** Shuts the machine down as systemd does (stopping apt-ostree-finalize-staged.service among the rest). */
    void powerOff() throws Exception {
        root("systemctl poweroff --no-block");
        if (!nspawn.waitFor(3, TimeUnit.MINUTES)) {
            nspawn.destroyForcibly();
            throw new IOException("the machine did not power off in 3 minutes:\n" + Files.readString(log));
        }
    }

    /** What the machine printed on its console. */
    String console() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws Exception {
        if (nspawn.isAlive()) {
            nspawn.destroy();
            if (!nspawn.waitFor(1, TimeUnit.MINUTES)) {
                nspawn.destroyForcibly();
            }
        }
    }
}
