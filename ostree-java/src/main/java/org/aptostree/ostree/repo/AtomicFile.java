package org.aptostree.ostree.repo;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Small files (refs, config, origins, state) replaced all at once: written to a temporary sibling and renamed
 * over the target, so a reader sees the old or the new content, never a mix. They get mode 0644 whatever the
 * umask, as libglnx's {@code glnx_file_replace_contents_at} gives every file libostree writes this way. {@link #syncFileSystem} makes a
 * batch of such writes durable, as libostree's {@code syncfs} does at the end of a transaction.
 */
public final class AtomicFile {
    private static final Set<PosixFilePermission> MODE_0644 = PosixFilePermissions.fromString("rw-r--r--");

    private AtomicFile() {
    }

    public static void write(Path target, byte[] content) throws IOException {
        Path tmp = TempPaths.createFile(target.getParent(), "." + target.getFileName() + "-", ".tmp");
        try {
            Files.write(tmp, content);
            Files.setPosixFilePermissions(tmp, MODE_0644);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** Makes the renames and links made in {@code dir} durable ({@code fsync(2)} of the directory). */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Flushes the whole file system holding {@code path} ({@code syncfs(2)}, through coreutils' sync). */
    public static void syncFileSystem(Path path) throws IOException {
        try {
            Process p = new ProcessBuilder("sync", "--file-system", path.toString()).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IOException("sync --file-system " + path + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while syncing " + path, e);
        }
    }
}
