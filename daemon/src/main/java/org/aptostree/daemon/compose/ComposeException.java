package org.aptostree.daemon.compose;

import java.io.IOException;

/** A compose that stopped; the message says where and why, {@link #output()} holds what a failing script printed. */
public final class ComposeException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String output;

    public ComposeException(String message, String output) {
        super(message);
        this.output = output;
    }

    public ComposeException(String message) {
        this(message, "");
    }

    public String output() {
        return output;
    }
}
