package org.aptostree.cli.system;

import java.util.Map;
import java.util.concurrent.Callable;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.daemon.system.TransactionLock;
import org.aptostree.daemon.transaction.TransactionException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel an active transaction.")
final class CancelCommand implements Callable<Integer> {
    @Mixin
    SystemOptions system = new SystemOptions();

    @Override
    public Integer call() {
        var daemon = DaemonClient.forVerb(system, true);
        if (daemon.isPresent()) {
            try (DaemonClient d = daemon.get()) {
                String address = (String) d.os("cancel", "sa{sv}", "", Map.of())[0];
                System.out.println("Cancelled " + address);
                return 0;
            }
        }
        // In direct mode a transaction belongs to the process that runs it; only its Ctrl-C can stop it.
        try {
            var root = system.open();
            var holder = TransactionLock.holder(root.transactionLockFile(root.osname(root.load())));
            throw new ExitCodeException(1, holder.map(h -> "Transaction " + h + " runs in direct mode, not in apt-ostreed; it stops with"
                    + " Ctrl-C in its terminal").orElse("No active transaction"));
        } catch (TransactionException e) {
            throw TransactionRunner.failure(e);
        } catch (java.io.IOException e) {
            throw new ExitCodeException(1, "cannot read the transaction lock: " + e.getMessage());
        }
    }
}
