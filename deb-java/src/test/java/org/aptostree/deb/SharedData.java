package org.aptostree.deb;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared (set by surefire as {@code aptostree.shared}); tests using it are skipped without it. */
public final class SharedData {
    private SharedData() {
    }

    /** The shared directory; skips the calling test when absent. */
    public static Path root() {
        String p = System.getProperty("aptostree.shared");
        assumeTrue(p != null && Files.isDirectory(Path.of(p)), "aptostree.shared not available");
        return Path.of(p);
    }

    /** The partial Debian mirror. */
    public static Path mirror() {
        Path m = root().resolve("data/debian-mirror");
        assumeTrue(Files.isDirectory(m), "debian-mirror not available");
        return m;
    }

    /** The Debian archive keyring. */
    public static Path keyring() {
        Path k = root().resolve("data/keyrings/debian-archive-keyring.gpg");
        assumeTrue(Files.isRegularFile(k), "keyring not available");
        return k;
    }

    /** Skips the test when an external tool is not on the PATH. */
    public static void requireTool(String tool) {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                found = true;
                break;
            }
        }
        assumeTrue(found, tool + " not installed");
    }
}
