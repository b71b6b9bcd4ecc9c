package org.aptostree.cli.system;

import java.util.concurrent.Callable;

import org.aptostree.daemon.transaction.UpdateDeploymentTransaction;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "reset", mixinStandardHelpOptions = true, description = "Remove all mutations.")
final class ResetCommand implements Callable<Integer> {
    @Mixin
    SystemOptions system = new SystemOptions();
    @Mixin
    LayeringOptions layering = new LayeringOptions();

    @Option(names = {"-l", "--overlays"}, description = "Remove all overlayed packages")
    boolean overlays;

    @Option(names = {"-o", "--overrides"}, description = "Remove all overrides")
    boolean overrides;

    @Override
    public Integer call() {
        boolean all = !overlays && !overrides;
        return Changes.run(system, "reset", UpdateDeploymentTransaction.Changes.none().withReset(all || overlays, all || overrides),
                layering.options(false, false, false, false, false), layering,
                new TransactionRunner.DaemonCall("reset", "a{sv}", layering.daemonOptions(system).flag("overlays", overlays)
                        .flag("overrides", overrides)));
    }
}
