package org.aptostree.cli.system;

import java.util.concurrent.Callable;

import org.aptostree.daemon.transaction.RefreshMetadataTransaction;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "refresh-md", aliases = "makecache", mixinStandardHelpOptions = true, description = "Refresh the package indexes.")
final class RefreshMdCommand implements Callable<Integer> {
    @Mixin
    SystemOptions system = new SystemOptions();

    @Option(names = {"-f", "--force"}, description = "Expire the current cache")
    boolean force;

    @Override
    public Integer call() {
        return TransactionRunner.run(system, new TransactionRunner.DaemonCall("refresh_md", "a{sv}", system.daemonOptions().flag("force", force)
                .described()), root -> new RefreshMetadataTransaction(TransactionRunner.initiator(), root, force), false);
    }
}
