package org.aptostree.daemon.transaction;

import java.util.Locale;

/**
 * Where a transaction is, in order; the D-Bus {@code state} strings are the lower-case names. A transaction waits
 * {@link #QUEUED}, works through the middle states it needs (not all, nor always each once), and ends in one of
 * the last three.
 */
public enum TransactionState {
    QUEUED, PREPARING, RESOLVING, DOWNLOADING, UNPACKING, SCRIPTS, COMMITTING, DEPLOYING, FINALIZING, COMPLETED, FAILED, CANCELLED;

    /** The name clients see. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
