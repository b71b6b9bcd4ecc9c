package org.aptostree.ostree.repo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.DirMeta;
import org.aptostree.ostree.object.FileHeader;
import org.aptostree.ostree.object.FileMode;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.Xattr;

/**
 * Writes a file tree into a repository, from a directory or from a tar stream, and returns its root dirtree
 * and dirmeta. Content objects are hashed and stored on all cores; files sharing an inode are stored once.
 */
public final class TreeWriter implements AutoCloseable {
    /** Tar members up to this size are buffered so that hashing and compression run off the reading thread. */
    private static final int TAR_BUFFER_LIMIT = 4 * 1024 * 1024;

    private final ObjectInserter inserter;
    private final CommitModifier modifier;
    private final List<FutureTask<ObjectId>> deferred = new ArrayList<>();
    private final WorkerPool workers;

    /** The root of a written tree. */
    public record Root(ObjectId tree, ObjectId meta) {
    }

    public TreeWriter(Repository repo, ObjectInserter inserter, CommitModifier modifier) {
        this.inserter = inserter;
        this.modifier = modifier.forMode(repo.mode());
        this.workers = WorkerPool.perCore("ostree-content-writer");
    }

    // ---------------------------------------------------------------- from a directory

    public Root writeDirectory(Path dir) throws IOException, OstreeFormatException {
        FileStore.Stat st = FileStore.stat(dir);
        if (!FileMode.isDirectory(st.mode())) {
            throw new IOException(dir + " is not a directory");
        }
        MutableTree root = new MutableTree(dirMeta("/", dir, st));
        CheckoutIndex index = modifier.checkoutIndex();
        scan("/", dir, root, new HashMap<>(), index == null ? null : index.unchanged(dir));
        // Consuming changes and moves files: it starts only once every path has been read, so that no other name
        // of a file (a hard link) is seen after its inode was changed.
        deferred.forEach(workers::start);
        deferred.clear();
        Root written = root.write(inserter);
        if (index != null) {
            index.sealReads(dir);
        }
        return written;
    }

    /** A file (its inode) and the owner it is committed with. */
    private record LinkedInode(Object file, int uid, int gid) {
    }

    private DirMeta dirMeta(String path, Path dir, FileStore.Stat st) throws IOException {
        List<Xattr> xattrs = modifier.skipXattrs() ? List.of() : FileXattrs.read(dir);
        return modifier.apply(path, new DirMeta(st.uid(), st.gid(), st.mode() & (FileMode.S_IFMT | FileMode.PERMISSIONS), xattrs));
    }

    private void scan(String dirPath, Path dir, MutableTree tree, Map<LinkedInode, Future<ObjectId>> byInode,
            CheckoutIndex.Unchanged unchanged) throws IOException {
        String prefix = dirPath.equals("/") ? "/" : dirPath + "/";
        // What a checkout over this tree may take from this read: the names still linked to their objects, valid
        // while the directory keeps the change time it had before it was listed.
        CheckoutIndex.DirectoryState before = unchanged == null ? null : CheckoutIndex.DirectoryState.of(dir);
        Map<String, ObjectId> linkedNames = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                String path = prefix + name;
                FileStore.Stat st = FileStore.stat(p);
                if (FileMode.isDirectory(st.mode())) {
                    Optional<CheckoutIndex.Subtree> same = unchanged == null ? Optional.empty() : unchanged.subtree(path);
                    if (same.isPresent()) {
                        tree.putWritten(name, new Root(same.get().tree(), same.get().meta()));
                        continue;
                    }
                    MutableTree sub = tree.directory(name, dirMeta(path, p, st));
                    scan(path, p, sub, byInode, unchanged);
                } else if (FileMode.isSymlink(st.mode())) {
                    FileHeader h = modifier.apply(path, FileHeader.symlink(st.uid(), st.gid(), FileStore.readSymlinkTarget(p), List.of()));
                    tree.putFile(name, workers.submit(() -> inserter.writeContent(h, InputStream.nullInputStream(), 0)));
                } else if (FileMode.isRegular(st.mode())) {
                    ObjectId linked = st.nlink() > 1 && unchanged != null && !unchanged.marked(path)
                            ? modifier.checkoutIndex().linkedObject(st.file()) : null;
                    if (linked != null) {
                        tree.putFile(name, CompletableFuture.completedFuture(linked));
                        linkedNames.put(name, linked);
                        continue;
                    }
                    // Names of one inode share its content, mode and xattrs; an owner filter may still tell them apart.
                    int[] owner = modifier.filteredOwner(path, st.uid(), st.gid());
                    LinkedInode key = new LinkedInode(st.file(), owner[0], owner[1]);
                    Future<ObjectId> shared = st.nlink() > 1 ? byInode.get(key) : null;
                    if (shared != null) {
                        tree.putFile(name, shared);
                        continue;
                    }
                    WorkerPool.Task<ObjectId> task = () -> {
                        List<Xattr> xattrs = modifier.skipXattrs() ? List.of() : FileXattrs.read(p);
                        FileHeader h = modifier.apply(FileHeader.regular(owner[0], owner[1], st.mode(), xattrs));
                        if (modifier.consume()) {
                            return inserter.consumeContent(h, p, st.size());
                        }
                        try (InputStream in = Files.newInputStream(p)) {
                            return inserter.writeContent(h, in, st.size());
                        }
                    };
                    Future<ObjectId> f;
                    if (modifier.consume()) {
                        FutureTask<ObjectId> later = WorkerPool.deferred(task);
                        deferred.add(later);
                        f = later;
                    } else {
                        f = workers.submit(task);
                    }
                    if (st.nlink() > 1) {
                        byInode.put(key, f);
                    }
                    tree.putFile(name, f);
                } else {
                    throw new IOException("Unsupported file type " + String.format("0%o", st.mode() & FileMode.S_IFMT) + " of " + p
                            + ": OSTree stores only regular files, symlinks and directories");
                }
            }
        }
        if (before != null) {
            modifier.checkoutIndex().recordRead(dirPath, before, linkedNames);
        }
    }

    // ---------------------------------------------------------------- from a tar stream

    /**
     * Writes the tree of a tar stream (GNU, ustar or pax; xattrs from pax headers as libarchive reads them). Owners and modes
     * come from the tar headers, so a root-owned tree needs no root. Paths must stay inside the root.
     */
    public Root writeTar(InputStream tarStream) throws IOException, OstreeFormatException {
        MutableTree root = new MutableTree(modifier.apply(new DirMeta(0, 0, FileMode.S_IFDIR | 0755, List.of())));
        Map<String, Future<ObjectId>> byPath = new HashMap<>();
        long[] consumed = {0};
        PaxTarInputStream tar = new PaxTarInputStream(new java.io.FilterInputStream(tarStream) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                consumed[0] += b < 0 ? 0 : 1;
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                consumed[0] += Math.max(n, 0);
                return n;
            }
        });
        TarArchiveEntry e;
        while ((e = nextEntry(tar, consumed)) != null) {
            List<String> parts = splitPath(e.getName());
            String name = parts.isEmpty() ? null : parts.get(parts.size() - 1);
            MutableTree parent = root;
            for (int i = 0; i < parts.size() - 1; i++) {
                parent = parent.directory(parts.get(i), root.meta);
            }
            List<Xattr> xattrs = modifier.skipXattrs() ? List.of() : tar.xattrs();
            int uid = (int) e.getLongUserId();
            int gid = (int) e.getLongGroupId();
            int perms = e.getMode() & FileMode.PERMISSIONS;
            if (e.isDirectory()) {
                DirMeta meta = modifier.apply(new DirMeta(uid, gid, FileMode.S_IFDIR | perms, xattrs));
                if (name == null) {
                    root.meta = meta;
                } else {
                    parent.directory(name, meta).meta = meta;
                }
                continue;
            }
            if (name == null) {
                throw new OstreeFormatException("tar member '" + e.getName() + "' names the root but is not a directory");
            }
            String path = String.join("/", parts);
            Future<ObjectId> content;
            if (e.isSymbolicLink()) {
                // libarchive keeps a symlink's mode as the header gives it, where a file system always has 0777.
                FileHeader h = modifier.apply(new FileHeader(uid, gid, FileMode.S_IFLNK | perms, e.getLinkName(), xattrs));
                content = workers.submit(() -> inserter.writeContent(h, InputStream.nullInputStream(), 0));
            } else if (e.isLink()) {
                content = byPath.get(String.join("/", splitPath(e.getLinkName())));
                if (content == null) {
                    throw new OstreeFormatException("tar hardlink '" + e.getName() + "' points at '" + e.getLinkName()
                            + "', which is not an earlier regular file");
                }
            } else if (e.isFile()) {
                FileHeader h = modifier.apply(FileHeader.regular(uid, gid, perms, xattrs));
                long size = e.getSize();
                if (size <= TAR_BUFFER_LIMIT) {
                    byte[] data;
                    try {
                        data = tar.readNBytes((int) size);
                    } catch (IOException truncated) {
                        // commons-compress reports a stream that ends inside a member as an IOException.
                        throw new OstreeFormatException("tar member '" + e.getName() + "' is truncated: " + truncated.getMessage());
                    }
                    if (data.length != size) {
                        throw new OstreeFormatException("tar member '" + e.getName() + "' is truncated");
                    }
                    content = workers.submit(() -> inserter.writeContent(h, new ByteArrayInputStream(data), size));
                } else {
                    try {
                        content = CompletableFuture.completedFuture(inserter.writeContent(h, new MemberStream(tar, size), size));
                    } catch (TruncatedMember truncated) {
                        throw new OstreeFormatException("tar member '" + e.getName() + "' is truncated: " + truncated.getMessage());
                    }
                }
            } else {
                throw new OstreeFormatException("tar member '" + e.getName() + "' has an unsupported type (devices and fifos cannot be stored)");
            }
            byPath.put(path, content);
            parent.putFile(name, content);
        }
        return root.write(inserter);
    }

    /**
     * The next member, or null at the end. commons-compress takes a stream that ends inside a header for the end of
     * the archive; a tar is whole 512-byte blocks, so a stream that ended elsewhere was cut short.
     */
    private static TarArchiveEntry nextEntry(PaxTarInputStream tar, long[] consumed) throws IOException, OstreeFormatException {
        TarArchiveEntry e;
        try {
            e = tar.getNextEntry();
        } catch (IOException corrupt) {
            throw new OstreeFormatException("tar stream is corrupt or truncated near byte " + consumed[0] + ": " + corrupt.getMessage());
        }
        if (e == null && consumed[0] % 512 != 0) {
            throw new OstreeFormatException("tar stream is truncated: it ends inside a header, at byte " + consumed[0]);
        }
        return e;
    }

    /** The tar stream's failure inside a member, told apart from the repository's own I/O errors. */
    private static final class TruncatedMember extends IOException {
        private static final long serialVersionUID = 1L;

        TruncatedMember(String message) {
            super(message);
        }
    }

    /**
     * A member's data as it streams into the repository: commons-compress reports a stream that ends inside a
     * member as an IOException (or, at a block boundary, as its end), which this turns into {@link TruncatedMember}
     * so that the caller refuses the archive with a format error.
     */
    private static final class MemberStream extends java.io.FilterInputStream {
        private long left;

        MemberStream(InputStream tar, long size) {
            super(tar);
            this.left = size;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n;
            try {
                n = in.read(b, off, (int) Math.min(len, left));
            } catch (IOException cut) {
                throw new TruncatedMember(cut.getMessage());
            }
            if (n < 0) {
                throw new TruncatedMember("it ends " + left + " bytes before its size");
            }
            left -= n;
            return n;
        }
    }

    private static List<String> splitPath(String name) throws OstreeFormatException {
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new OstreeFormatException("tar member '" + name + "' escapes the root with '..'");
            }
            parts.add(part);
        }
        return parts;
    }

    @Override
    public void close() {
        workers.close();
    }
}
