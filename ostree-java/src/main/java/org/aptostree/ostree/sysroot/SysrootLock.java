package org.aptostree.ostree.sysroot;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The sysroot lock, taken as libostree's {@code ostree_sysroot_lock} takes it (through libglnx's
 * {@code glnx_make_lock_file}): {@code ostree/lock} opened read-write, created with mode 0600, locked exclusively as
 * a whole; after locking, the holder checks that the file is still linked (an earlier holder may have removed it
 * while this one waited, and the next one would then lock a new file); on release the holder removes it.
 * <p>
 * libglnx takes an open-file-description lock ({@code F_OFD_SETLKW}); the JDK takes a POSIX record lock
 * ({@code F_SETLKW}) and on Linux the two conflict, so {@code ostree admin} and this lock exclude each other
 * (SysrootInteropTest checks both directions). Record locks belong to the process, not to the thread, and
 * closing any descriptor of the file drops them: threads of this JVM are therefore excluded here, and nothing else
 * in this process may open the lock file.
 */
final class SysrootLock implements AutoCloseable {
    /** ostree admin says this when it has to wait, and again every 3 seconds. */
    static final long WAIT_NOTICE_MILLIS = 3000;

    /** The lock directories ({@code <sysroot>/ostree}, real paths) whose lock a thread of this JVM holds, and that thread. */
    private static final Map<Path, Thread> HELD = new HashMap<>();

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean released;

    private SysrootLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock, waiting while another process or thread holds it; {@code whileWaiting} runs when it has to
     * wait and then every {@link #WAIT_NOTICE_MILLIS}.
     */
    static SysrootLock acquire(Path sysroot, Runnable whileWaiting) throws IOException {
        return take(sysroot, Optional.of(whileWaiting)).orElseThrow();
    }

    /** Takes the lock if no one holds it. */
    static Optional<SysrootLock> tryAcquire(Path sysroot) throws IOException {
        return take(sysroot, Optional.empty());
    }

    /** {@code whileWaiting} empty: do not wait. */
    private static Optional<SysrootLock> take(Path sysroot, Optional<Runnable> whileWaiting) throws IOException {
        Path dir = sysroot.resolve("ostree").toRealPath();
        WaitNotice notice = new WaitNotice(whileWaiting.orElse(null));
        try {
            synchronized (HELD) {
                while (HELD.containsKey(dir)) {
                    if (HELD.get(dir) == Thread.currentThread()) {
                        throw new IllegalStateException("This thread already holds the sysroot lock " + dir.resolve("lock"));
                    }
                    if (whileWaiting.isEmpty()) {
                        return Optional.empty();
                    }
                    notice.begin();
                    HELD.wait();
                }
                HELD.put(dir, Thread.currentThread());
            }
            Optional<SysrootLock> taken = Optional.empty();
            try {
                taken = lockFile(dir, notice);
                return taken;
            } finally {
                if (taken.isEmpty()) {
                    forget(dir);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the sysroot lock " + dir.resolve("lock"), e);
        } finally {
            notice.end();
        }
    }

    private static Optional<SysrootLock> lockFile(Path dir, WaitNotice notice) throws IOException {
        Path file = dir.resolve("lock");
        while (true) {
            FileChannel ch = FileChannel.open(file, Set.<OpenOption>of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                FileLock l = ch.tryLock();
                if (l == null) {
                    if (!notice.waits()) {
                        ch.close();
                        return Optional.empty();
                    }
                    notice.begin();
                    l = ch.lock();
                }
                if (stillLinked(file)) {
                    return Optional.of(new SysrootLock(dir, ch, l));
                }
                ch.close();
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }
    }

    /**
     * Whether {@code file} still names the file this process holds open (libglnx checks {@code st_nlink} of its
     * descriptor). The JDK does not stat a channel, so the descriptor is found among {@code /proc/self/fd}: only
     * the thread that holds this lock opens the file in this process.
     */
    private static boolean stillLinked(Path file) throws IOException {
        Object key;
        try {
            key = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (NoSuchFileException e) {
            return false;
        }
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    if (key.equals(Files.readAttributes(fd, BasicFileAttributes.class).fileKey())) {
                        return true;
                    }
                } catch (IOException e) {
                    // Closed by another thread since it was listed.
                }
            }
        }
        return false;
    }

    boolean held() {
        return !released;
    }

    /** Removes the lock file, as libglnx does, then unlocks: a waiter that locked the removed file tries again. */
    @Override
    public void close() throws IOException {
        if (released) {
            return;
        }
        released = true;
        try {
            Files.deleteIfExists(dir.resolve("lock"));
        } finally {
            try {
                lock.release();
            } finally {
                channel.close();
                forget(dir);
            }
        }
    }

    private static void forget(Path dir) {
        synchronized (HELD) {
            HELD.remove(dir);
            HELD.notifyAll();
        }
    }

    /** Once waiting begins, runs the callback at once and then every {@link #WAIT_NOTICE_MILLIS}; no callback: do not wait. */
    private static final class WaitNotice {
        private final Runnable callback;
        private Thread thread;

        WaitNotice(Runnable callback) {
            this.callback = callback;
        }

        boolean waits() {
            return callback != null;
        }

        void begin() {
            if (thread != null) {
                return;
            }
            thread = new Thread(() -> {
                try {
                    while (true) {
                        callback.run();
                        Thread.sleep(WAIT_NOTICE_MILLIS);
                    }
                } catch (InterruptedException e) {
                    // The lock was taken.
                }
            }, "sysroot-lock-wait");
            thread.setDaemon(true);
            thread.start();
        }

        void end() {
            if (thread == null) {
                return;
            }
            thread.interrupt();
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
