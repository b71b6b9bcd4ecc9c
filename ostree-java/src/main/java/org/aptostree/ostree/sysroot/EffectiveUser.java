package org.aptostree.ostree.sysroot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The uid this process acts as, and whether it is root: then it can set the owners of what it writes, hard-link a
 * bare repository's objects and mount, and without root a checkout is in user mode. Read from the owner of
 * {@code /proc/self}, which is the process's effective uid (the {@code user.name} property names the real one).
 */
public final class EffectiveUser {
    private static final int UID = readUid();

    private EffectiveUser() {
    }

    /** The effective uid, or -1 where {@code /proc} cannot tell it. */
    public static int uid() {
        return UID;
    }

    public static boolean isRoot() {
        return UID == 0;
    }

    private static int readUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }
}
