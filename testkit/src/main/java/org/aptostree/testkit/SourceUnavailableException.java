package org.aptostree.testkit;

import java.io.IOException;

/** A source of Debian data cannot be reached or lacks a file: the data is missing, not wrong. */
final class SourceUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    SourceUnavailableException(String message) {
        super(message);
    }
}
