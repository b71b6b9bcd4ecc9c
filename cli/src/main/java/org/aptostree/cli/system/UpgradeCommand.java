package org.aptostree.cli.system;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.daemon.service.DaemonConfig;
import org.aptostree.daemon.transaction.TransactionException;
import org.aptostree.daemon.transaction.UpdateDeploymentTransaction;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "upgrade", aliases = "update", mixinStandardHelpOptions = true, description = "Perform a system upgrade.")
final class UpgradeCommand implements Callable<Integer> {
    @Mixin
    SystemOptions system = new SystemOptions();
    @Mixin
    LayeringOptions layering = new LayeringOptions();

    @Option(names = "--allow-downgrade", description = "Permit deployment of chronologically older trees")
    boolean allowDowngrade;

    @Option(names = "--check", description = "Just check if an upgrade is available")
    boolean check;

    @Option(names = {"--preview", "--check-diff"}, description = "Just print the package diff of the upgrade")
    boolean preview;

    @Option(names = "--trigger-automatic-update-policy",
            description = "Do what AutomaticUpdatePolicy= of apt-ostreed.conf says: nothing (none), --check (check) or an upgrade (stage)")
    boolean automatic;

    @Override
    public Integer call() {
        if (automatic) {
            // The daemon's own reader of apt-ostreed.conf: a bad value is an error naming the file.
            String policy;
            try {
                policy = DaemonConfig.read(DaemonConfig.file(system.open().path())).automaticUpdatePolicy();
            } catch (TransactionException e) {
                throw TransactionRunner.failure(e);
            } catch (IOException e) {
                throw new ExitCodeException(1, e.getMessage());
            }
            if (policy.equals("none")) {
                System.out.println("Automatic updates are not enabled; exiting...");
                return 0;
            }
            // stage: an upgrade as any other (staged on a booted host); check: only look.
            check |= policy.equals("check");
        }
        return Changes.run(system, "upgrade", UpdateDeploymentTransaction.Changes.none().withBase(Optional.empty(), Optional.empty(), true),
                layering.options(false, true, false, allowDowngrade, check || preview), layering,
                new TransactionRunner.DaemonCall("upgrade_system", "a{sv}", layering.daemonOptions(system).flag("allow-downgrade", allowDowngrade)
                        .flag("check-only", check || preview).map()));
    }
}
