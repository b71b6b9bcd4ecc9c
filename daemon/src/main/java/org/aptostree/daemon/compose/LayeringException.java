package org.aptostree.daemon.compose;

import java.io.IOException;

/** Why packages cannot be layered onto a base; the message is one line for people, {@link #details} what explains it. */
public final class LayeringException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The kinds of refusal. */
    public enum Reason {
        /** Requested packages no source has. */
        NOT_FOUND,
        /** The request cannot be met together with the base (the solver's explanation). */
        CONFLICT,
        /** A layered package has a file the base (or another layered package) has. */
        FILE_CLASH,
        /** A maintainer script failed. */
        SCRIPT_FAILED,
        /** Sources or packages could not be fetched or verified. */
        FETCH
    }

    private final Reason reason;
    private final String details;

    public LayeringException(Reason reason, String message) {
        this(reason, message, "");
    }

    public LayeringException(Reason reason, String message, String details) {
        super(message);
        this.reason = reason;
        this.details = details;
    }

    public Reason reason() {
        return reason;
    }

    /** What a failing script printed, for one (may be empty). */
    public String details() {
        return details;
    }
}
