package org.aptostree.ostree.pull;

/** Told how a pull advances: objects fetched so far out of those known to be needed, and bytes received. */
@FunctionalInterface
public interface PullProgress {
    PullProgress NONE = (fetched, needed, bytes) -> { };

    void update(int fetched, int needed, long bytes);
}
