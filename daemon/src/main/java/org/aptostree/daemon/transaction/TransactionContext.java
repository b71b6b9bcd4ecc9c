package org.aptostree.daemon.transaction;

/**
 * A running transaction's line to its listener and its cancellation flag. The percentage never goes down; a cancel
 * request takes effect at the transaction's next {@link #checkpoint}, a point where stopping leaves the system as it
 * was (nothing after the last checkpoint of a transaction may change the system but its final, atomic step).
 */
public final class TransactionContext {
    private final TransactionListener listener;
    private volatile boolean cancelRequested;
    private TransactionState state = TransactionState.PREPARING;
    private String message = "";
    private int percentage;

    public TransactionContext(TransactionListener listener) {
        this.listener = listener;
    }

    /** Enters {@code next} with {@code text}, at {@code percent} or where it already is if that is further. */
    public synchronized void update(TransactionState next, String text, int percent) {
        state = next;
        message = text;
        percentage = Math.max(percentage, Math.min(100, percent));
        listener.changed(state, message, percentage);
    }

    /** A new message in the current state. */
    public synchronized void message(String text) {
        update(state, text, percentage);
    }

    public synchronized TransactionState state() {
        return state;
    }

    public synchronized String lastMessage() {
        return message;
    }

    public synchronized int percentage() {
        return percentage;
    }

    /** Asks the transaction to stop at its next checkpoint. */
    public void cancel() {
        cancelRequested = true;
    }

    public boolean cancelRequested() {
        return cancelRequested;
    }

    /** Stops the transaction here if it was asked to. */
    public void checkpoint() throws TransactionException {
        if (cancelRequested) {
            throw new TransactionException(TransactionException.Kind.CANCELLED, "Transaction cancelled");
        }
    }
}
