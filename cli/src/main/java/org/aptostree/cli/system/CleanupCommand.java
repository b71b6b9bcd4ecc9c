package org.aptostree.cli.system;

import java.util.concurrent.Callable;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.daemon.transaction.CleanupTransaction;

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
        CleanupTransaction.What what = new CleanupTransaction.What(pending, rollback, base, repomd);
        if (!what.any()) {
            // The engine's own words, before any system or daemon is involved.
            throw new ExitCodeException(1, "Cleanup requires at least one of -p, -r, -b, -m");
        }
        return TransactionRunner.run(system, new TransactionRunner.DaemonCall("cleanup", "a{sv}", system.daemonOptions().flag("pending", pending)
                .flag("rollback", rollback).flag("base", base).flag("repomd", repomd).described()),
                root -> new CleanupTransaction(TransactionRunner.initiator(), root, what), false);
    }
}
