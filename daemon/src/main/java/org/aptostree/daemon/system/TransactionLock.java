package org.aptostree.daemon.system;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Only one transaction runs on a system at a time, whoever runs it (the daemon, or a CLI in direct mode): each
 * holds this lock, a {@code fcntl} lock on {@code /var/lib/apt-ostree/transaction.lock} of the stateroot, whose
 * content says which transaction holds it, so that the next one can say what it waits for. The lock goes with the
 * process that held it, however it ended.
 */
public final class TransactionLock implements AutoCloseable {
    /** The transaction holding the lock. */
    public record Holder(String title, long pid) {
        @Override
        public String toString() {
            return title + " (pid " + pid + ")";
        }
    }

    private final FileChannel channel;
    private final FileLock lock;

    private TransactionLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock for {@code title}, or returns who holds it. */
    public static Attempt tryAcquire(Path file, String title) throws IOException {
        Files.createDirectories(file.getParent());
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            Holder holder = read(ch);
            ch.close();
            return new Attempt(Optional.empty(), Optional.of(holder));
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n" + title.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        return new Attempt(Optional.of(new TransactionLock(ch, l)), Optional.empty());
    }

    /** The lock, or who holds it. */
    public record Attempt(Optional<TransactionLock> lock, Optional<Holder> holder) {
    }

    /** Who holds the lock now, without waiting for it. */
    public static Optional<Holder> holder(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                return Optional.of(read(ch));
            }
            if (l == null) {
                return Optional.of(read(ch));
            }
            l.release();
            return Optional.empty();
        }
    }

    private static Holder read(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4096);
        ch.read(b, 0);
        String[] lines = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).split("\n", 3);
        long pid = -1;
        try {
            pid = Long.parseLong(lines[0].strip());
        } catch (NumberFormatException e) {
            // Being written by its holder this very moment.
        }
        return new Holder(lines.length > 1 ? lines[1] : "(unknown)", pid);
    }

    @Override
    public void close() throws IOException {
        try {
            channel.truncate(0);
            lock.release();
        } finally {
            channel.close();
        }
    }
}
