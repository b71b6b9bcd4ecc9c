package org.aptostree.ostree.repo;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * The repository lock on {@code <repo>/.lock}, as libostree takes it: shared while objects and refs are
 * written, exclusive while objects are deleted (prune), so a prune never removes what a writer just staged.
 * The JDK takes POSIX record locks, which also exclude libostree's open-file-description locks.
 */
public final class RepoLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private RepoLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static RepoLock acquire(Path repo, boolean exclusive, long timeoutSeconds) throws IOException {
        FileChannel channel = FileChannel.open(repo.resolve(".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        try {
            while (true) {
                FileLock lock = channel.tryLock(0, Long.MAX_VALUE, !exclusive);
                if (lock != null) {
                    return new RepoLock(channel, lock);
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("Locking repository " + repo + " timed out after " + timeoutSeconds + " seconds");
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            channel.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while locking " + repo, e);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
