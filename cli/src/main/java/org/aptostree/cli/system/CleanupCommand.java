package org.aptostree.cli.system;

import java.util.concurrent.Callable;

import org.aptostree.daemon.system.SystemRoot;
import org.aptostree.daemon.transaction.CleanupTransaction;
import org.aptostree.daemon.transaction.TransactionException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "cleanup", mixinStandardHelpOptions = true, description = "Clear cached/pending data.")
final class CleanupCommand implements Callable<Integer> {
    @Mixin
    SystemOptions system = new SystemOptions();

    @Option(names = {"-p", "--pending"}, description = "Remove pending deployment")
    boolean pending;

    @Option(names = {"-r", "--rollback"}, description = "Remove rollback deployment")
    boolean rollback;

    @Option(names = {"-b", "--base"}, description = "Clear temporary files; will leave deployments unchanged")
    boolean base;

    @Option(names = {"-m", "--repomd"}, description = "Delete cached package indexes and packages")
    boolean repomd;

    @Override
    public Integer call() {
        try {
            SystemRoot root = system.open();
            return TransactionRunner.run(root, new CleanupTransaction(TransactionRunner.initiator(), root,
                    new CleanupTransaction.What(pending, rollback, base, repomd)), false);
        } catch (TransactionException e) {
            throw TransactionRunner.failure(e);
        }
    }
}
