package org.aptostree.cli.system;

import java.util.Optional;
import java.util.concurrent.Callable;

import org.aptostree.daemon.transaction.UpdateDeploymentTransaction;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "deploy", mixinStandardHelpOptions = true, description = "Deploy a specific commit.")
final class DeployCommand implements Callable<Integer> {
    @Mixin
    SystemOptions system = new SystemOptions();
    @Mixin
    LayeringOptions layering = new LayeringOptions();

    @Parameters(index = "0", paramLabel = "REVISION", description = "A checksum or version=VERSION of the current refspec")
    String revision;

    @Override
    public Integer call() {
        return Changes.run(system, "deploy " + revision, UpdateDeploymentTransaction.Changes.none()
                        .withBase(Optional.empty(), Optional.of(revision), true),
                layering.options(false, true, false, true, false), layering,
                new TransactionRunner.DaemonCall("deploy", "sa{sv}", revision, layering.daemonOptions(system)));
    }
}
