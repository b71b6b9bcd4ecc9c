package org.aptostree.cli.system;

import java.util.Optional;
import java.util.concurrent.Callable;

import org.aptostree.daemon.transaction.UpdateDeploymentTransaction;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "rebase", mixinStandardHelpOptions = true, description = "Switch to a different tree.")
final class RebaseCommand implements Callable<Integer> {
    @Mixin
    SystemOptions system = new SystemOptions();
    @Mixin
    LayeringOptions layering = new LayeringOptions();

    @Parameters(index = "0", paramLabel = "REFSPEC", description = {"REMOTE:REF (or REF, on the current remote), or a container image:",
        "ostree-unverified-registry:HOST/NAME:TAG, ostree-unverified-image:oci:DIR, ostree-remote-registry:REMOTE:HOST/NAME:TAG"})
    String refspec;

    @Parameters(index = "1", arity = "0..1", paramLabel = "REVISION", description = "A checksum or version=VERSION")
    String revision;

    @Override
    public Integer call() {
        return Changes.run(system, "rebase " + refspec, UpdateDeploymentTransaction.Changes.none()
                        .withBase(Optional.of(refspec), Optional.ofNullable(revision), true),
                layering.options(false, true, false, true, false), layering,
                new TransactionRunner.DaemonCall("rebase", "sa{sv}", refspec, layering.daemonOptions(system).string("revision", revision)));
    }
}
