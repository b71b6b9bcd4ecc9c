package org.aptostree.daemon.transaction;

import java.io.IOException;

import org.aptostree.daemon.system.SystemRoot;
import org.aptostree.daemon.transaction.TransactionException.Kind;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.sysroot.Deployer;

/** The sysroot lock (ostree's own) for a transaction, waiting for it as {@code ostree admin} does and saying so. */
final class SysrootLocks {
    private SysrootLocks() {
    }

    static Deployer lock(SystemRoot system, TransactionContext context) throws TransactionException {
        try {
            return Deployer.lock(system.path(), () -> context.message("Waiting for sysroot lock..."));
        } catch (IOException | OstreeFormatException e) {
            throw new TransactionException(Kind.FAILED, "cannot take the sysroot lock of " + system.path() + ": " + e.getMessage(), e);
        }
    }
}
