package org.aptostree.ostree.sysroot;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The inode flags a sysroot uses, set by e2fsprogs' chattr because the JDK cannot issue the ioctl. File systems
 * without a flag (tmpfs, overlay) are left as they are, as libostree does.
 * <ul>
 * <li>immutable ({@code +i}): libostree sets it on each deployment's root so nothing can add to or rename it by
 * accident;</li>
 * <li>top of directory hierarchies ({@code +T}): set on the directories deployments are made in (see
 * {@link Deployer#createTreeDirectory}).</li>
 * </ul>
 */
final class InodeFlags {
    private InodeFlags() {
    }

    static void setImmutable(Path dir, boolean immutable) throws IOException {
        chattr(immutable ? "+i" : "-i", dir);
    }

    static void setTopDirectory(Path dir) throws IOException {
        chattr("+T", dir);
    }

    private static void chattr(String change, Path dir) throws IOException {
        try {
            Process p = new ProcessBuilder("chattr", change, dir.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (IOException e) {
            // chattr is missing: nothing sets the flags, so there is nothing to clear either.
        }
    }
}
