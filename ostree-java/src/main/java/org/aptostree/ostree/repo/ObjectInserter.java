package org.aptostree.ostree.repo;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import org.aptostree.ostree.gvariant.VariantDict;
import org.aptostree.ostree.object.FileHeader;
import org.aptostree.ostree.object.FileMode;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectName;
import org.aptostree.ostree.object.ObjectType;

/**
 * Writes objects into a repository. Each object is written to a file in {@code tmp/} while its checksum is
 * computed, then renamed to its final name, so a crash leaves either no object or a complete one. Safe to use
 * from several threads. {@link #commit()} makes the writes durable; until then refs should not point at them.
 */
public final class ObjectInserter implements AutoCloseable {
    /** libostree's {@code OSTREE_ARCHIVE_DEFAULT_COMPRESSION_LEVEL}. */
    private static final int COMPRESSION_LEVEL = 6;
    private static final int BUFFER = 64 * 1024;
    /**
     * One copy buffer per thread: an import writes thousands of small objects, and a fresh 64 KiB array for each
     * was most of what it allocated (and zeroed).
     */
    private static final ThreadLocal<byte[]> COPY_BUFFER = ThreadLocal.withInitial(() -> new byte[BUFFER]);

    private final Repository repo;
    private final RepoLock lock;
    private final Path tmp;
    /** Unique per inserter, so concurrent writers (other processes too) never pick the same staging name. */
    private final String stagingPrefix = "tmpobject-" + UUID.randomUUID() + "-";
    private final AtomicLong staged = new AtomicLong();
    /** Object directories known to exist, so each is created once rather than checked per object. */
    private final Map<String, Boolean> objectDirs = new ConcurrentHashMap<>();

    ObjectInserter(Repository repo) throws IOException {
        this.repo = repo;
        this.tmp = repo.tmpDir();
        Files.createDirectories(tmp);
        long timeout = Long.parseLong(repo.config().get("core", "lock-timeout-secs").orElse("300"));
        this.lock = repo.config().getBoolean("core", "locking", true) ? RepoLock.acquire(repo.path(), false, timeout) : null;
    }

    private Path newTempPath() {
        return tmp.resolve(stagingPrefix + staged.incrementAndGet());
    }

    /** Stores a metadata object whose bytes are already in normal form; returns its checksum. */
    public ObjectId writeMetadata(ObjectType type, byte[] data) throws IOException {
        return writeMetadata(type, data, null);
    }

    /**
     * Stores a metadata object received from elsewhere, refusing it unless its bytes hash to {@code expected}
     * (when not null); returns its checksum.
     */
    public ObjectId writeMetadata(ObjectType type, byte[] data, ObjectId expected) throws IOException {
        if (!type.isMeta() || type == ObjectType.COMMIT_META) {
            throw new IllegalArgumentException(type + " is not a content-addressed metadata type");
        }
        ObjectId id = ObjectId.sha256Of(data);
        if (expected != null && !expected.equals(id)) {
            throw new CorruptObjectException(new ObjectName(expected, type), id);
        }
        Path target = repo.objectPath(id, type);
        if (exists(target)) {
            return id;
        }
        Path staged = newTempPath();
        Files.write(staged, data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        if (repo.mode() != RepoMode.ARCHIVE) {
            FileStore.chmodOwnFile(staged, 0644);
        }
        install(staged, target);
        return id;
    }

    /** Stores the detached metadata of a commit, replacing what was there. */
    public void writeDetachedMetadata(ObjectId commit, VariantDict metadata) throws IOException {
        Path target = repo.objectPath(commit, ObjectType.COMMIT_META);
        Path staged = newTempPath();
        Files.write(staged, metadata.encode(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ensureObjectDir(target.getParent());
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Stores a content object from its header and {@code size} bytes of content (none for a symlink), computing
     * the checksum on the way; returns the checksum.
     */
    public ObjectId writeContent(FileHeader header, InputStream content, long size) throws IOException {
        return writeContent(header, content, size, null);
    }

    /**
     * Stores a content object received from elsewhere: it is staged and renamed into place only if its checksum
     * is {@code expected} (when not null), so a corrupt download never becomes an object.
     */
    public ObjectId writeContent(FileHeader header, InputStream content, long size, ObjectId expected) throws IOException {
        MessageDigest digest = header.startDigest();
        Path staged = newTempPath();
        try {
            switch (repo.mode()) {
                case ARCHIVE -> writeArchive(staged, header, content, size, digest);
                case BARE_USER -> writeBareUser(staged, header, content, size, digest);
                default -> writeBare(staged, header, content, size, digest);
            }
            ObjectId id = ObjectId.fromBytes(digest.digest());
            if (expected != null && !expected.equals(id)) {
                throw new CorruptObjectException(new ObjectName(expected, ObjectType.FILE), id);
            }
            install(staged, repo.objectPath(id, ObjectType.FILE));
            return id;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(staged);
            throw e;
        }
    }

    /**
     * Stores a regular file of a bare-user or bare-user-only repository by moving {@code file} itself into the
     * object store once its checksum is known (libostree's {@code OSTREE_REPO_COMMIT_MODIFIER_FLAGS_CONSUME}):
     * the file is changed and moved, or deleted when the object exists already. For trees built only to be
     * committed, it saves copying every byte. Falls back to a copy when the file is on another file system.
     */
    public ObjectId consumeContent(FileHeader header, Path file, long size) throws IOException {
        if (header.isSymlink() || (repo.mode() != RepoMode.BARE_USER && repo.mode() != RepoMode.BARE_USER_ONLY)) {
            try (InputStream in = Files.newInputStream(file)) {
                return writeContent(header, in, size);
            }
        }
        MessageDigest digest = header.startDigest();
        try (InputStream in = Files.newInputStream(file)) {
            copy(in, OutputStream.nullOutputStream(), size, digest);
        }
        ObjectId id = ObjectId.fromBytes(digest.digest());
        Path target = repo.objectPath(id, ObjectType.FILE);
        if (exists(target)) {
            Files.delete(file);
            return id;
        }
        if (repo.mode() == RepoMode.BARE_USER) {
            FileXattrs.writeUser(file, "ostreemeta", header.userMeta());
            FileStore.chmod(file, (header.mode() & 0775) | 0400);
        } else {
            if ((header.mode() & ~(FileMode.S_IFMT | 0775)) != 0) {
                throw new IOException(String.format("Invalid mode 0%o for bare-user-only repository", header.mode()));
            }
            FileStore.chmod(file, header.mode());
        }
        FileStore.zeroTimesOfRegularFile(file);
        ensureObjectDir(target.getParent());
        try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            try (InputStream in = Files.newInputStream(file)) {
                return writeContent(header, in, size);
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            Files.delete(file);
        }
        return id;
    }

    /** Checks, as the content is copied, that exactly {@code size} bytes arrive. */
    private static void copy(InputStream in, OutputStream out, long size, MessageDigest digest) throws IOException {
        byte[] buf = COPY_BUFFER.get();
        long left = size;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("content ended " + left + " bytes before its announced size " + size);
            }
            digest.update(buf, 0, n);
            out.write(buf, 0, n);
            left -= n;
        }
    }

    private void writeArchive(Path staged, FileHeader header, InputStream content, long size, MessageDigest digest)
            throws IOException {
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(staged, StandardOpenOption.CREATE_NEW), BUFFER)) {
            file.write(header.archiveHeader(header.isSymlink() ? 0 : size));
            if (!header.isSymlink()) {
                Deflater deflater = new Deflater(COMPRESSION_LEVEL, true);
                try {
                    DeflaterOutputStream z = new DeflaterOutputStream(file, deflater, BUFFER);
                    copy(content, z, size, digest);
                    z.finish();
                } finally {
                    deflater.end();
                }
            }
        }
    }

    private void writeBareUser(Path staged, FileHeader header, InputStream content, long size, MessageDigest digest)
            throws IOException {
        try (OutputStream file = Files.newOutputStream(staged, StandardOpenOption.CREATE_NEW)) {
            if (header.isSymlink()) {
                // libostree keeps the NUL so the target can be mmapped as a C string.
                file.write(header.symlinkTarget().getBytes(StandardCharsets.UTF_8));
                file.write(0);
            } else {
                copy(content, file, size, digest);
            }
        }
        FileXattrs.writeUser(staged, "ostreemeta", header.userMeta());
        int mode = header.isSymlink() ? 0644 : (header.mode() & 0775) | 0400;
        FileStore.chmodOwnFile(staged, mode);
        FileStore.zeroTimesOfRegularFile(staged);
    }

    private void writeBare(Path staged, FileHeader header, InputStream content, long size, MessageDigest digest)
            throws IOException {
        boolean userOnly = repo.mode() == RepoMode.BARE_USER_ONLY;
        if (header.isSymlink()) {
            Symlinks.create(staged, header.symlinkTarget());
        } else {
            if (userOnly && (header.mode() & ~(FileMode.S_IFMT | 0775)) != 0) {
                throw new IOException(String.format("Invalid mode 0%o for bare-user-only repository", header.mode()));
            }
            try (OutputStream file = Files.newOutputStream(staged, StandardOpenOption.CREATE_NEW)) {
                copy(content, file, size, digest);
            }
        }
        if (!userOnly) {
            FileStore.chown(staged, header.uid(), header.gid());
            if (!header.isSymlink()) {
                FileXattrs.write(staged, header.xattrs());
            } else if (!header.xattrs().isEmpty()) {
                // Left off, they would make an object whose checksum no longer matches what is on disk.
                throw new IOException("cannot set xattr " + header.xattrs().get(0).name() + " on symlink " + staged
                        + ": xattrs of symlinks are not supported");
            }
        }
        if (header.isSymlink()) {
            FileStore.zeroMtime(staged);
        } else {
            FileStore.chmodOwnFile(staged, header.mode());
            FileStore.zeroTimesOfRegularFile(staged);
        }
    }

    private void install(Path staged, Path target) throws IOException {
        // Following links makes the check one access(2) with no exception when the object is new (the common
        // case). A symlink object of a bare repository usually dangles there: it is looked at itself before it
        // would be renamed over, since checkouts link to it and a new inode would leave them unlinked.
        if (exists(target) || Files.isSymbolicLink(staged) && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(staged);
            return;
        }
        ensureObjectDir(target.getParent());
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Files.exists, without the exception NIO throws and catches inside it for every path that is missing. */
    private static boolean exists(Path p) {
        return p.toFile().exists();
    }

    private void ensureObjectDir(Path dir) throws IOException {
        try {
            // computeIfAbsent makes other threads wait until the directory exists.
            objectDirs.computeIfAbsent(dir.getFileName().toString(), name -> {
                try {
                    Files.createDirectories(dir);
                    return Boolean.TRUE;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Makes every object written so far durable (libostree syncs the file system at the end of a transaction). */
    public void commit() throws IOException {
        if (repo.config().getBoolean("core", "fsync", true)) {
            AtomicFile.syncFileSystem(repo.path());
        }
    }

    @Override
    public void close() throws IOException {
        if (lock != null) {
            lock.close();
        }
    }
}
