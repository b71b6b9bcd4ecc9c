package org.aptostree.daemon.compose;

/** What a compose reports while it runs (called from the compose thread and, for downloads, from fetch threads). */
public interface ComposeProgress {
    /** The phases, in order. */
    enum Phase { RESOLVE, DOWNLOAD, UNPACK, CONFIGURE, POSTPROCESS, COMMIT }

    /** A phase starts; {@code detail} says with what. */
    default void phase(Phase phase, String detail) {
    }

    /** {@code done} of {@code total} steps of the current phase are finished; {@code item} is the latest. */
    default void step(Phase phase, int done, int total, String item) {
    }

    /** Something the user should know that is not an error. */
    default void note(String message) {
    }

    ComposeProgress QUIET = new ComposeProgress() {
    };
}
