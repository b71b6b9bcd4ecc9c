package org.aptostree.daemon.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The automatic update policy: {@code AutomaticUpdatePolicy=} in {@code /etc/apt-ostree/apt-ostreed.conf} of the
 * system ({@code none}, {@code check} or {@code stage}); {@code none} when unset.
 */
public final class AutomaticUpdatePolicy {
    private AutomaticUpdatePolicy() {
    }

    public static String read(SystemRoot system) {
        Path conf = system.path().resolve("etc/apt-ostree/apt-ostreed.conf");
        if (!Files.isRegularFile(conf)) {
            return "none";
        }
        try {
            for (String line : Files.readAllLines(conf)) {
                String t = line.strip();
                if (t.startsWith("AutomaticUpdatePolicy=")) {
                    return t.substring("AutomaticUpdatePolicy=".length()).strip();
                }
            }
        } catch (IOException e) {
            return "none";
        }
        return "none";
    }
}
