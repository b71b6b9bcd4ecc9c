package org.aptostree.cli.system;

import java.util.concurrent.Callable;

import org.aptostree.daemon.system.SystemRoot;
import org.aptostree.daemon.transaction.RollbackTransaction;
import org.aptostree.daemon.transaction.TransactionException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "rollback", mixinStandardHelpOptions = true, description = "Revert to the previously booted tree.")
final class RollbackCommand implements Callable<Integer> {
    @Mixin
    SystemOptions system = new SystemOptions();

    @Override
    public Integer call() {
        try {
            SystemRoot root = system.open();
            return TransactionRunner.run(root, new RollbackTransaction(TransactionRunner.initiator(), root), false);
        } catch (TransactionException e) {
            throw TransactionRunner.failure(e);
        }
    }
}
