package org.aptostree.cli.system;

import java.util.concurrent.Callable;

import org.aptostree.daemon.system.SystemRoot;
import org.aptostree.daemon.transaction.RefreshMetadataTransaction;
import org.aptostree.daemon.transaction.TransactionException;

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
        try {
            SystemRoot root = system.open();
            return TransactionRunner.run(root, new RefreshMetadataTransaction(TransactionRunner.initiator(), root, force), false);
        } catch (TransactionException e) {
            throw TransactionRunner.failure(e);
        }
    }
}
