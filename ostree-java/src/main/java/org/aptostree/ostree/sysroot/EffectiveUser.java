package org.aptostree.ostree.sysroot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether this process runs as root: then it can set the owners of what it writes, hard-link a bare repository's
 * objects and mount, and without root a checkout is in user mode. Read from the owner of {@code /proc/self}, which is
 * the process's effective uid (the {@code user.name} property names the real one).
 */
public final class EffectiveUser {
    private static final boolean ROOT = readRoot();

    private EffectiveUser() {
    }

    public static boolean isRoot() {
        return ROOT;
    }

    private static boolean readRoot() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
