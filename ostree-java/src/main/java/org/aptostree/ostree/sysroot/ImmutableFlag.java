package org.aptostree.ostree.sysroot;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The immutable inode flag ({@code chattr +i}) libostree sets on each deployment's root so nothing can add to
 * or rename it by accident. The JDK cannot issue the ioctl, so this runs e2fsprogs' chattr; file systems
 * without the flag (tmpfs, overlay) are left as they are, as libostree does.
 */
final class ImmutableFlag {
    private ImmutableFlag() {
    }

    static void set(Path dir, boolean immutable) throws IOException {
        try {
            Process p = new ProcessBuilder("chattr", immutable ? "+i" : "-i", dir.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (IOException e) {
            // chattr is missing: nothing sets the flag, so there is nothing to clear either.
        }
    }
}
