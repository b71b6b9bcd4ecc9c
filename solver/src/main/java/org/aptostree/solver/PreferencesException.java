package org.aptostree.solver;

import java.io.IOException;

/** An apt_preferences file that cannot be used; the message starts with {@code file:line:}. */
public final class PreferencesException extends IOException {
    private static final long serialVersionUID = 1L;

    public PreferencesException(String file, long line, String reason) {
        super(file + ":" + line + ": " + reason);
    }
}
