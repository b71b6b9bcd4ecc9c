package org.aptostree.daemon.transaction;

import java.util.Objects;

/**
 * One operation on the system: install, upgrade, rollback, ... It has a title and an initiator, takes its typed
 * options when it is made, reports progress through its {@link TransactionContext}, can be cancelled at its
 * checkpoints, and ends with a {@link TransactionResult} or a {@link TransactionException}. The CLI's direct mode
 * and the daemon run the same transactions; neither runs two at once on a system.
 */
public abstract class Transaction {
    private final String title;
    private final Initiator initiator;

    protected Transaction(String title, Initiator initiator) {
        this.title = Objects.requireNonNull(title, "title");
        this.initiator = Objects.requireNonNull(initiator, "initiator");
    }

    /** What it does, for people: {@code install htop}, {@code upgrade}, ... */
    public final String title() {
        return title;
    }

    public final Initiator initiator() {
        return initiator;
    }

    /** Does the work; a failure or cancellation leaves the system as it was. */
    public abstract TransactionResult execute(TransactionContext context) throws TransactionException;

    @Override
    public String toString() {
        return title;
    }
}
