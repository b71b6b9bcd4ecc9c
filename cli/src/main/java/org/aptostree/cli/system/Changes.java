package org.aptostree.cli.system;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.daemon.system.SystemRoot;
import org.aptostree.daemon.transaction.UpdateDeploymentTransaction;

/** Runs the deploy transaction for a verb, and reboots afterwards when asked. */
final class Changes {
    private Changes() {
    }

    /** The arguments that name local .deb files (a path ending in .deb), and the package requests. */
    record Split(List<String> names, List<Path> local) {
        static Split of(List<String> args) {
            List<String> names = new ArrayList<>();
            List<Path> local = new ArrayList<>();
            for (String a : args) {
                if (a.endsWith(".deb") && (a.contains("/") || Files.exists(Path.of(a)))) {
                    Path p = Path.of(a).toAbsolutePath();
                    if (!Files.isRegularFile(p)) {
                        throw new ExitCodeException(1, "No such file: " + a);
                    }
                    local.add(p);
                } else {
                    names.add(a);
                }
            }
            return new Split(names, local);
        }
    }

    /**
     * Runs a deployment change: {@code call} through the daemon, or {@code changes} with {@code options} in
     * direct mode; then reboots when asked.
     */
    static int run(SystemOptions system, String title, UpdateDeploymentTransaction.Changes changes,
            UpdateDeploymentTransaction.Options options, LayeringOptions layering, TransactionRunner.DaemonCall call) {
        if (layering.reboot && !TransactionRunner.query(system,
                d -> !"/".equals(d.property(DaemonClient.SYSROOT_PATH, DaemonClient.SYSROOT_INTERFACE, "Booted")), SystemRoot::isBooted)) {
            throw new ExitCodeException(1, "--reboot needs a booted host, not a --sysroot directory");
        }
        int code = TransactionRunner.run(system, call, root -> new UpdateDeploymentTransaction(title, TransactionRunner.initiator(), root,
                changes, options), layering.unchangedExit77);
        if (layering.reboot && code == 0 && !options.dryRun() && !options.downloadOnly()) {
            try {
                new ProcessBuilder("systemctl", "reboot").inheritIO().start().waitFor();
            } catch (java.io.IOException e) {
                throw new ExitCodeException(1, "cannot reboot: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ExitCodeException(1, "interrupted");
            }
        }
        return code;
    }

    /** A change that needs rpm-ostree's general method: several kinds at once. */
    static TransactionRunner.DaemonCall updateDeployment(DaemonOptions modifiers, DaemonOptions options) {
        return new TransactionRunner.DaemonCall("update_deployment", "a{sv}a{sv}", modifiers, options.flag("no-pull-base", true));
    }
}
