package org.aptostree.cli.system;

import java.util.Optional;
import java.util.concurrent.Callable;

import org.aptostree.daemon.transaction.AutomaticUpdateTransaction;
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
            description = "Do what AutomaticUpdatePolicy= of apt-ostreed.conf says: nothing (none), --check (check) or an upgrade"
                    + " (stage); status shows the run")
    boolean automatic;

    @Override
    public Integer call() {
        if (automatic) {
            return TransactionRunner.run(system, new TransactionRunner.DaemonCall("automatic_update_trigger", "a{sv}",
                    system.daemonOptions().described()), root -> new AutomaticUpdateTransaction(TransactionRunner.initiator(), root), false);
        }
        return Changes.run(system, "upgrade", UpdateDeploymentTransaction.Changes.none().withBase(Optional.empty(), Optional.empty(), true),
                layering.options(false, true, false, allowDowngrade, check || preview), layering,
                new TransactionRunner.DaemonCall("upgrade_system", "a{sv}", layering.daemonOptions(system).flag("allow-downgrade", allowDowngrade)
                        .flag("check-only", check || preview)));
    }
}
