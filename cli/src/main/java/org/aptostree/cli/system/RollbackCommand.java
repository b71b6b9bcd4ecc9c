package org.aptostree.cli.system;

import java.util.concurrent.Callable;

import org.aptostree.daemon.transaction.RollbackTransaction;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "rollback", mixinStandardHelpOptions = true, description = "Revert to the previously booted tree.")
final class RollbackCommand implements Callable<Integer> {
    @Mixin
    SystemOptions system = new SystemOptions();

    @Override
    public Integer call() {
        return TransactionRunner.run(system, new TransactionRunner.DaemonCall("rollback", "a{sv}", system.daemonOptions().described()),
                root -> new RollbackTransaction(TransactionRunner.initiator(), root), false);
    }
}
