package org.aptostree.daemon.transaction;

/** Told of a transaction's progress: its state, a message for people, and a percentage that never goes down. */
@FunctionalInterface
public interface TransactionListener {
    void changed(TransactionState state, String message, int percentage);

    TransactionListener NONE = (state, message, percentage) -> { };
}
