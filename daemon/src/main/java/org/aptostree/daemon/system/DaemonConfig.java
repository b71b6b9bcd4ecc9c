package org.aptostree.daemon.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.repo.KeyFile;

/**
 * {@code /etc/apt-ostree/apt-ostreed.conf} (of the sysroot managed), a key file like rpm-ostreed.conf:
 * {@code [Daemon] IdleExitTimeout=} seconds without transactions and calls before the daemon exits (60; 0 never),
 * {@code AutomaticUpdatePolicy=} none, check or stage.
 */
public record DaemonConfig(long idleExitSeconds, String automaticUpdatePolicy) {
    public static final long DEFAULT_IDLE_EXIT_SECONDS = 60;

    public static DaemonConfig defaults() {
        return new DaemonConfig(DEFAULT_IDLE_EXIT_SECONDS, "none");
    }

    /** The file of a sysroot. */
    public static Path file(Path sysroot) {
        return sysroot.resolve("etc/apt-ostree/apt-ostreed.conf");
    }

    /** Reads {@code file}; defaults when it does not exist; a bad value is an error naming it. */
    public static DaemonConfig read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return defaults();
        }
        KeyFile kf;
        try {
            kf = KeyFile.parse(Files.readString(file), file.toString());
        } catch (OstreeFormatException e) {
            throw new IOException(e.getMessage(), e);
        }
        long idle = DEFAULT_IDLE_EXIT_SECONDS;
        String text = kf.get("Daemon", "IdleExitTimeout").orElse(null);
        if (text != null) {
            try {
                idle = Long.parseLong(text.strip());
            } catch (NumberFormatException e) {
                idle = -1;
            }
            if (idle < 0) {
                throw new IOException(file + ": [Daemon] IdleExitTimeout: expected a number of seconds (0: never), not '" + text + "'");
            }
        }
        String policy = kf.get("Daemon", "AutomaticUpdatePolicy").map(String::strip).orElse("none");
        if (!policy.equals("none") && !policy.equals("check") && !policy.equals("stage")) {
            throw new IOException(file + ": [Daemon] AutomaticUpdatePolicy: expected none, check or stage, not '" + policy + "'");
        }
        return new DaemonConfig(idle, policy);
    }
}
