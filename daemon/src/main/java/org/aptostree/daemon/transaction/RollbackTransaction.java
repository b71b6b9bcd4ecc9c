package org.aptostree.daemon.transaction;

import java.io.IOException;
import java.util.List;

import org.aptostree.daemon.system.SystemRoot;
import org.aptostree.daemon.transaction.TransactionException.Kind;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.sysroot.Deployer;
import org.aptostree.ostree.sysroot.Deployment;
import org.aptostree.ostree.sysroot.Sysroot;

/**
 * {@code rollback}: the previous deployment becomes the default, as rpm-ostree does it (the first two deployments
 * change places). A staged deployment must be cleaned up first: it would be finalized on top of either.
 */
public final class RollbackTransaction extends Transaction {
    private final SystemRoot system;

    public RollbackTransaction(Initiator initiator, SystemRoot system) {
        super("rollback", initiator);
        this.system = system;
    }

    @Override
    public TransactionResult execute(TransactionContext context) throws TransactionException {
        context.update(TransactionState.PREPARING, "Loading the deployments", 5);
        try (Deployer deployer = SysrootLocks.lock(system, context)) {
            return rollback(context, deployer);
        } catch (IOException e) {
            throw new TransactionException(Kind.FAILED, "releasing the sysroot lock: " + e.getMessage(), e);
        }
    }

    private TransactionResult rollback(TransactionContext context, Deployer deployer) throws TransactionException {
        Sysroot sysroot = system.load();
        try {
            if (sysroot.staged().isPresent()) {
                throw new TransactionException(Kind.INVALID_ARGUMENT,
                        "Staged deployment exists; remove it with 'apt-ostree cleanup -p' before a rollback");
            }
        } catch (IOException | OstreeFormatException e) {
            throw new TransactionException(Kind.FAILED, e.getMessage(), e);
        }
        if (sysroot.deployments().size() < 2) {
            throw new TransactionException(Kind.INVALID_ARGUMENT, "No rollback deployment found");
        }
        context.update(TransactionState.DEPLOYING, "Swapping the default and the rollback deployment", 50);
        try {
            deployer.rollback();
        } catch (IOException | OstreeFormatException | IllegalArgumentException e) {
            throw new TransactionException(Kind.FAILED, "rollback failed: " + e.getMessage(), e);
        }
        Deployment now = system.load().deployments().get(0);
        context.update(TransactionState.FINALIZING, "Done", 100);
        return TransactionResult.done(List.of("Moving '" + now.dirName() + "' to be first deployment",
                system.isBooted() ? "Run \"systemctl reboot\" to start a reboot" : "The default deployment is now " + now.dirName()));
    }
}
