package org.aptostree.ostree.sysroot;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The sysroot lock, {@code ostree/lock}: one process changes deployments at a time. */
final class SysrootLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private SysrootLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static SysrootLock acquire(Path sysroot) throws IOException {
        FileChannel ch = FileChannel.open(sysroot.resolve("ostree/lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l = ch.tryLock();
        if (l == null) {
            ch.close();
            throw new IOException("Another process holds the sysroot lock " + sysroot.resolve("ostree/lock")
                    + " (an upgrade or deployment is in progress)");
        }
        return new SysrootLock(ch, l);
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
