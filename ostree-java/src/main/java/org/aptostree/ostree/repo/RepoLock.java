package org.aptostree.ostree.repo;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The repository lock on {@code <repo>/.lock}, as libostree takes it: shared while objects and refs are
 * written, exclusive while objects are deleted (prune), so a prune never removes what a writer just staged.
 * The JDK takes POSIX record locks, which also exclude libostree's open-file-description locks. A JVM holds one
 * record lock per file, so holders inside this process share it, counted.
 */
public final class RepoLock implements AutoCloseable {
    private static final Map<Path, Held> HELD = new HashMap<>();
    private static final FileAttribute<?> MODE_0660 = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw----"));

    /** The one lock this process holds on a repository, and how many holders share it. */
    private static final class Held {
        final FileChannel channel;
        final FileLock lock;
        final boolean exclusive;
        int holders;

        Held(FileChannel channel, FileLock lock, boolean exclusive) {
            this.channel = channel;
            this.lock = lock;
            this.exclusive = exclusive;
        }
    }

    private final Path key;
    private boolean closed;

    private RepoLock(Path key) {
        this.key = key;
    }

    static RepoLock acquire(Path repo, boolean exclusive, long timeoutSeconds) throws IOException {
        Path key = repo.toAbsolutePath().normalize();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            synchronized (HELD) {
                Held held = HELD.get(key);
                if (held == null) {
                    // Created 0660 less the umask, as libostree creates it.
                    FileChannel channel = FileChannel.open(key.resolve(".lock"),
                            Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE), MODE_0660);
                    FileLock lock;
                    try {
                        lock = channel.tryLock(0, Long.MAX_VALUE, !exclusive);
                    } catch (IOException | RuntimeException e) {
                        channel.close();
                        throw e;
                    }
                    if (lock != null) {
                        held = new Held(channel, lock, exclusive);
                        held.holders = 1;
                        HELD.put(key, held);
                        return new RepoLock(key);
                    }
                    channel.close();
                } else if (!exclusive && !held.exclusive) {
                    held.holders++;
                    return new RepoLock(key);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("Locking repository " + repo + " timed out after " + timeoutSeconds + " seconds");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while locking " + repo, e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (HELD) {
            if (closed) {
                return;
            }
            closed = true;
            Held held = HELD.get(key);
            if (--held.holders == 0) {
                HELD.remove(key);
                try {
                    held.lock.release();
                } finally {
                    held.channel.close();
                }
            }
        }
    }
}
