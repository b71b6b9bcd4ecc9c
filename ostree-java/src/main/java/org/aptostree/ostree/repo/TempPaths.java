package org.aptostree.ostree.repo;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Temporary files and directories with names made of the process id and a counter. {@code Files.createTemp*} draws
 * its names from a {@code SecureRandom} of its own, whose first use costs ~6 ms, on the path of every transaction.
 * Uniqueness does not rest on the name: each path is created exclusively, and a name another
 * process took (a pid reused after a crash) is passed over. As with {@code Files.createTemp*}, directories get mode
 * 0700 and files 0600.
 */
public final class TempPaths {
    private static final FileAttribute<Set<PosixFilePermission>> DIRECTORY_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<Set<PosixFilePermission>> FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    /** Enough to pass over every name a crashed process with the same pid can have left; the bound stops a loop. */
    private static final int ATTEMPTS = 100_000;
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final String PID = Long.toString(ProcessHandle.current().pid());

    private TempPaths() {
    }

    /** A new, empty directory in {@code dir} named {@code prefix}, the pid and a number. */
    public static Path createDirectory(Path dir, String prefix) throws IOException {
        for (int i = 0; i < ATTEMPTS; i++) {
            try {
                return Files.createDirectory(next(dir, prefix, ""), DIRECTORY_MODE);
            } catch (FileAlreadyExistsException taken) {
                // Another process's name: the next number.
            }
        }
        throw new IOException("no free temporary name " + prefix + PID + "-* in " + dir + " after " + ATTEMPTS + " tries");
    }

    /** A new, empty file in {@code dir} named {@code prefix}, the pid, a number and {@code suffix}. */
    public static Path createFile(Path dir, String prefix, String suffix) throws IOException {
        for (int i = 0; i < ATTEMPTS; i++) {
            try {
                return Files.createFile(next(dir, prefix, suffix), FILE_MODE);
            } catch (FileAlreadyExistsException taken) {
                // Another process's name: the next number.
            }
        }
        throw new IOException("no free temporary name " + prefix + PID + "-*" + suffix + " in " + dir + " after " + ATTEMPTS + " tries");
    }

    private static Path next(Path dir, String prefix, String suffix) {
        return dir.resolve(prefix + PID + "-" + COUNTER.incrementAndGet() + suffix);
    }
}
