package org.aptostree.cli.system;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real parts a daemon test needs: each is looked for on the PATH (or at its path); a missing one skips the
 * test, or with {@code CI=true} fails it naming what is missing.
 */
final class RequiredTools {
    private RequiredTools() {
    }

    /** Requires each tool (a command on the PATH, or an absolute path), and root. */
    static void requireTools(String... tools) {
        StringBuilder missing = new StringBuilder();
        for (String t : tools) {
            if (!present(t)) {
                missing.append(missing.length() == 0 ? "" : ", ").append(t);
            }
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            missing.append(missing.length() == 0 ? "" : ", ").append("root (the daemon owns its name as root; polkitd starts as root)");
        }
        if (missing.length() > 0) {
            String message = "missing for the daemon tests: " + missing;
            if ("true".equals(System.getenv("CI"))) {
                fail(message + " (CI=true: missing tools fail the run)");
            }
            assumeTrue(false, message);
        }
    }

    static boolean present(String tool) {
        if (tool.startsWith("/")) {
            return Files.isExecutable(Path.of(tool));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
