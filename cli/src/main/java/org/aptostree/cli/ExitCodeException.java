package org.aptostree.cli;

/** Ends a command with a given exit code and an optional message, as {@code dpkg --compare-versions} or {@code fsck} do. */
public final class ExitCodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public ExitCodeException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
