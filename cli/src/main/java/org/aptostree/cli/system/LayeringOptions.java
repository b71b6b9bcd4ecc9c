package org.aptostree.cli.system;

import org.aptostree.daemon.transaction.UpdateDeploymentTransaction;

import picocli.CommandLine.Option;

/** The options the verbs that change a deployment share, as rpm-ostree's. */
final class LayeringOptions {
    @Option(names = {"-n", "--dry-run"}, description = "Exit after printing the transaction")
    boolean dryRun;

    @Option(names = {"-C", "--cache-only"}, description = "Do not download anything; use the cached indexes and packages")
    boolean cacheOnly;

    @Option(names = "--download-only", description = "Download what is needed, then stop before deploying")
    boolean downloadOnly;

    @Option(names = {"-r", "--reboot"}, description = "Initiate a reboot after the operation is complete")
    boolean reboot;

    @Option(names = "--unchanged-exit-77", description = "If no changes are made, exit 77")
    boolean unchangedExit77;

    UpdateDeploymentTransaction.Options options(boolean idempotent, boolean allowInactive, boolean forceReplaceFiles,
            boolean allowDowngrade, boolean checkOnly) {
        return new UpdateDeploymentTransaction.Options(allowDowngrade, dryRun, cacheOnly, downloadOnly, idempotent, allowInactive,
                forceReplaceFiles, checkOnly);
    }

    /** The daemon's options for these flags (and the stateroot and command line). */
    DaemonOptions daemonOptions(SystemOptions system) {
        return system.daemonOptions().flag("dry-run", dryRun).flag("cache-only", cacheOnly).flag("download-only", downloadOnly).described();
    }
}
