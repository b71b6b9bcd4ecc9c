package org.aptostree.ostree.repo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.List;
import java.util.UUID;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.DirMeta;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.FileHeader;
import org.aptostree.ostree.object.FileMode;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectName;
import org.aptostree.ostree.object.ObjectType;

/**
 * Materialises a commit (or a subpath of it) as a directory tree, as {@code ostree checkout}: hardlinks to the
 * object store where the repository mode allows it, copies otherwise. In user mode ({@code -U}) owners and
 * xattrs are not applied and setuid/setgid bits of files are dropped.
 */
public final class Checkout {
    private static final int FILES_PER_TASK = 64;

    private final Repository repo;
    private boolean userMode;
    private boolean union;
    private String subpath = "/";
    private boolean copies;
    private CheckoutIndex index;
    private CheckoutIndex reusable;
    /** What of the destination is as {@link #reusable}'s checkout left it, read when the checkout starts. */
    private CheckoutIndex.Unchanged unchanged;

    public Checkout(Repository repo) {
        this.repo = repo;
    }

    public Checkout userMode(boolean u) {
        this.userMode = u;
        return this;
    }

    /** Keep existing files and directories, replacing files that the commit also has ({@code --union}). */
    public Checkout union(boolean u) {
        this.union = u;
        return this;
    }

    public Checkout subpath(String path) {
        this.subpath = path;
        return this;
    }

    /** Copies every file, so that nothing done to the checkout can reach the repository's objects. */
    public Checkout copies(boolean c) {
        this.copies = c;
        return this;
    }

    /**
     * Records what this checkout makes in {@code into} (a fresh checkout of a whole commit): each linked file's object
     * by inode, as libostree's devino cache, and each directory's objects and state, so that a commit of the
     * checkout ({@link CommitModifier#withCheckoutIndex}) reads only what changed since.
     */
    public Checkout recordInto(CheckoutIndex into) {
        this.index = into;
        return this;
    }

    /**
     * Checks out into a destination that already holds a tree like the commit's (the tree that was committed, built
     * on a {@link #recordInto} checkout): what is already as a checkout makes it is kept, the rest is replaced or
     * removed, so the result is the same as a checkout into an empty directory. A directory that is, with all below
     * it, as {@code earlier} recorded it and holds the same objects in this commit is left as it is; elsewhere, a
     * file is kept when it is a link to its object, and every directory gets its metadata again. This saves linking
     * again every file of a tree that changed in a few places, and deleting the old copy.
     */
    public Checkout reusing(CheckoutIndex earlier) {
        this.reusable = earlier;
        return this;
    }

    /**
     * ostree copies empty files rather than link them (a checkout of an empty sticky file from bare-user keeps its
     * sticky bit, which the stored file lacks).
     */
    private boolean isEmpty(ObjectId id) throws IOException {
        return objectIdentity(id, repo.objectPath(id, ObjectType.FILE)).size() == 0;
    }

    private static FileStore.Identity objectIdentity(ObjectId id, Path objectPath) throws IOException {
        try {
            return FileStore.identity(objectPath);
        } catch (NoSuchFileException e) {
            throw new NoSuchObjectException(new ObjectName(id, ObjectType.FILE));
        }
    }

    /** Whether the object's file can be linked into the checkout; its mode is read only when that decides it. */
    private boolean canHardlink(ObjectId id) throws IOException, OstreeFormatException {
        return canHardlink(id, false);
    }

    /** {@link #canHardlink}, where {@code linkedBefore} says the object is not empty (it was linked, so it is not). */
    private boolean canHardlink(ObjectId id, boolean linkedBefore) throws IOException, OstreeFormatException {
        if (copies) {
            return false;
        }
        switch (repo.mode()) {
            case BARE:
                return (!userMode || (repo.contentMode(id) & 06000) == 0) && (linkedBefore || !isEmpty(id));
            case BARE_USER:
                if (!userMode) {
                    return false;
                }
                int mode = repo.contentMode(id);
                return !FileMode.isSymlink(mode) && (mode & 06000) == 0 && (linkedBefore || !isEmpty(id));
            case BARE_USER_ONLY:
                return linkedBefore || !isEmpty(id);
            default:
                return false;
        }
    }

    public void checkout(ObjectId commitId, Path destination) throws IOException, OstreeFormatException {
        Commit commit = repo.readCommit(commitId);
        ObjectId tree = commit.rootTree();
        ObjectId meta = commit.rootMeta();
        for (String part : subpath.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            DirTree t = repo.readDirTree(tree);
            var dir = t.dirs().stream().filter(d -> d.name().equals(part)).findFirst();
            if (dir.isPresent()) {
                tree = dir.get().tree();
                meta = dir.get().meta();
                continue;
            }
            var file = t.files().stream().filter(f -> f.name().equals(part)).findFirst();
            if (file.isPresent() && subpath.endsWith(part)) {
                Files.createDirectories(destination.toAbsolutePath().getParent());
                checkoutFile(file.get().content(), destination);
                return;
            }
            throw new IOException("No such file or directory: " + subpath + " in commit " + commitId);
        }
        if (reusable != null && reusable.madeLike(userMode, copies) && Files.isDirectory(destination, LinkOption.NOFOLLOW_LINKS)) {
            unchanged = reusable.unchanged(destination);
        }
        try (WorkerPool workers = WorkerPool.perCore("ostree-checkout")) {
            Walk walk = new Walk(workers);
            ObjectId rootTree = tree;
            ObjectId rootMeta = meta;
            walk.submit(() -> checkoutDir(rootTree, rootMeta, destination, "/", 0, walk));
            walk.await();
            // Directory modes last, deepest first, so read-only directories can still be filled.
            List<DirMode> modes = new ArrayList<>(walk.dirModes);
            modes.sort(Comparator.comparingInt(DirMode::depth).reversed());
            for (DirMode m : modes) {
                m.apply();
            }
        }
        if (index != null) {
            index.seal(destination, userMode, copies);
        }
    }

    /**
     * A directory's owner, xattrs and final mode: applied as soon as it is made, or, when that mode would keep its
     * owner out, once everything inside it exists.
     */
    private record DirMode(int depth, DirMeta meta, Path dir, boolean owners) {
        void apply() throws IOException {
            if (owners) {
                FileStore.chown(dir, meta.uid(), meta.gid());
                FileXattrs.write(dir, meta.xattrs());
            }
            FileStore.chmod(dir, meta.mode());
        }
    }

    /**
     * The checkout's tasks on the workers: each directory is a task that makes the directory, hands out its files
     * in batches and its subdirectories as tasks of their own, so reading the trees is spread over the cores too.
     * The first failure stops the tasks not yet started and is rethrown by {@link #await}.
     */
    private static final class Walk {
        final WorkerPool workers;
        /** Tasks submitted and not finished, plus one for the caller until it waits. */
        final AtomicLong running = new AtomicLong(1);
        final CountDownLatch finished = new CountDownLatch(1);
        final Queue<DirMode> dirModes = new ConcurrentLinkedQueue<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Walk(WorkerPool workers) {
            this.workers = workers;
        }

        void submit(Step step) {
            running.incrementAndGet();
            workers.submit(() -> {
                try {
                    if (failure.get() == null) {
                        step.run();
                    }
                } catch (Exception | Error e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done();
                }
                return null;
            });
        }

        private void done() {
            if (running.decrementAndGet() == 0) {
                finished.countDown();
            }
        }

        void await() throws IOException, OstreeFormatException {
            done();
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            if (failure.get() != null) {
                WorkerPool.rethrow(failure.get());
            }
        }
    }

    /** One directory, or one batch of a directory's files. */
    @FunctionalInterface
    private interface Step {
        void run() throws IOException, OstreeFormatException;
    }

    private void checkoutDir(ObjectId treeId, ObjectId metaId, Path dest, String path, int depth, Walk walk)
            throws IOException, OstreeFormatException {
        if (index != null) {
            index.recordDirectory(path, treeId, metaId);
        }
        DirMeta cached = dirMetas.get(metaId);
        if (cached == null) {
            cached = repo.readDirMeta(metaId);
            dirMetas.put(metaId, cached);
        }
        DirMeta meta = cached;
        DirTree tree = repo.readDirTree(treeId);
        // Made first and checked only when it exists: in a fresh checkout only the destination itself may.
        boolean reused = false;
        try {
            Files.createDirectory(dest);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)) {
                throw e;
            }
            reused = reusable != null;
            if (!reused && !union && !isEmptyDir(dest)) {
                throw new FileAlreadyExistsException(dest.toString(), null, "destination exists and is not empty (use --union)");
            }
        }
        // ostree -U drops setuid and setgid from files only: a directory keeps its setgid bit.
        DirMode mode = new DirMode(depth, meta, dest, !userMode);
        if ((meta.mode() & 0700) == 0700) {
            // Its owner may still write and search it, so it is finished now, by this worker. Owners are set only
            // by a privileged checkout, whose writes no mode bits hold up.
            mode.apply();
        } else {
            FileStore.chmod(dest, 0700);
            walk.dirModes.add(mode);
        }
        Set<String> present = Set.of();
        if (reused) {
            // Emptied of what the tree lacks once its owner may write it, like any directory of the checkout.
            present = keepOnlyNamesOf(tree, dest);
            FileXattrs.removeOtherUser(dest, userMode ? List.of() : meta.xattrs());
        }
        // Files go to the workers in batches: most are a single link, cheaper than a hand-over each.
        List<DirTree.FileEntry> files = tree.files();
        Set<String> existing = present;
        // Names a commit of this tree found linked to these objects, in a directory unchanged since: kept unlooked at
        // (unless this checkout records the links, which needs their inodes).
        Map<String, ObjectId> linked = reused && unchanged != null && index == null ? unchanged.stillLinked(path) : Map.of();
        for (int from = 0; from < files.size(); from += FILES_PER_TASK) {
            List<DirTree.FileEntry> batch = files.subList(from, Math.min(files.size(), from + FILES_PER_TASK));
            walk.submit(() -> {
                for (DirTree.FileEntry f : batch) {
                    if (existing.contains(f.name()) && f.content().equals(linked.get(f.name())) && canHardlink(f.content(), true)) {
                        continue;
                    }
                    Path target = dest.resolve(f.name());
                    if (!existing.contains(f.name()) || !keepOrRemove(f.content(), target)) {
                        checkoutFile(f.content(), target);
                    }
                }
            });
        }
        String prefix = path.equals("/") ? "/" : path + "/";
        for (DirTree.DirEntry d : tree.dirs()) {
            Path target = dest.resolve(d.name());
            String childPath = prefix + d.name();
            if (existing.contains(d.name()) && unchanged != null && unchanged.isSubtree(childPath, d.tree(), d.meta())) {
                continue;
            }
            if (existing.contains(d.name()) && !Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(target);
            }
            walk.submit(() -> checkoutDir(d.tree(), d.meta(), target, childPath, depth + 1, walk));
        }
    }

    /**
     * For {@link #reusing}: removes what {@code dir} has that the tree does not, and returns the names it still has.
     * Directories are made writable for their owner as they are emptied, since the checkout sets their mode last.
     */
    private static Set<String> keepOnlyNamesOf(DirTree tree, Path dir) throws IOException {
        Set<String> wanted = new HashSet<>();
        tree.files().forEach(f -> wanted.add(f.name()));
        tree.dirs().forEach(d -> wanted.add(d.name()));
        Set<String> present = new HashSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (wanted.contains(name)) {
                    present.add(name);
                } else {
                    deleteTree(p);
                }
            }
        }
        return present;
    }

    /**
     * For {@link #reusing}: whether {@code target} is already the link to {@code id} a checkout would make (then it
     * stays); otherwise it is removed, for the caller to check the object out in its place.
     */
    private boolean keepOrRemove(ObjectId id, Path target) throws IOException, OstreeFormatException {
        FileStore.Stat st = FileStore.stat(target);
        if (FileMode.isDirectory(st.mode())) {
            deleteTree(target);
            return false;
        }
        // Still a link (to the object, as the index recorded), and one a checkout would make.
        if (st.nlink() > 1 && id.equals(reusable.linkedObject(st.file())) && canHardlink(id, true)) {
            if (index != null) {
                index.recordLink(st.file(), id);
            }
            return true;
        }
        Files.delete(target);
        return false;
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            FileStore.chmod(p, 0700);
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(p)) {
                for (Path child : entries) {
                    deleteTree(child);
                }
            }
        }
        Files.delete(p);
    }

    /** Links {@code target} to {@code source}; a union checkout links beside the target and renames over it. */
    private void hardlink(Path source, Path target) throws IOException {
        Path staged = union ? target.resolveSibling(".tmp-" + UUID.randomUUID()) : target;
        Files.createLink(staged, source);
        if (union) {
            Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /**
     * libostree's {@code uncompressed-objects-cache} of an archive repository: each regular file is inflated once,
     * with its user-mode permissions, and every user-mode checkout hardlinks it. Symlinks are not cached.
     */
    private Optional<Path> uncompressedCopy(ObjectId id) throws IOException, OstreeFormatException {
        String hex = id.hex();
        Path cached = repo.path().resolve("uncompressed-objects-cache").resolve(hex.substring(0, 2)).resolve(hex.substring(2) + ".file");
        if (Files.exists(cached, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of(cached);
        }
        try (ContentObject obj = repo.openContent(id)) {
            if (obj.header().isSymlink()) {
                return Optional.empty();
            }
            Files.createDirectories(cached.getParent());
            Path staged = cached.resolveSibling(".tmp-" + UUID.randomUUID());
            try (InputStream in = obj.stream()) {
                Files.copy(in, staged);
                FileStore.chmod(staged, obj.header().mode() & ~06000);
                // Linked into place, never renamed over: another worker may be linking the entry already there,
                // and Linux refuses a link to an inode whose last name was just replaced.
                try {
                    Files.createLink(cached, staged);
                } catch (FileAlreadyExistsException cachedMeanwhile) {
                    // Another worker cached the same object first; its copy is as good.
                }
            } finally {
                Files.deleteIfExists(staged);
            }
        }
        return Optional.of(cached);
    }

    /** Directory metadata repeats across a tree (most directories are root-owned 0755): each is read once. */
    private final Map<ObjectId, DirMeta> dirMetas = new ConcurrentHashMap<>();

    /** Set once a link failed with EXDEV, so the other files are copied without trying. */
    private volatile boolean crossDevice;

    private static boolean isEmptyDir(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private void checkoutFile(ObjectId id, Path target) throws IOException, OstreeFormatException {
        if (union && Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("cannot replace directory " + target + " with a file");
        }
        // A checkout that records links reads the object's inode anyway, and its size with it decides emptiness.
        Path objectPath = repo.objectPath(id, ObjectType.FILE);
        FileStore.Identity object = index == null || copies || crossDevice ? null : objectIdentity(id, objectPath);
        if (!crossDevice && (object == null ? canHardlink(id) : object.size() > 0 && canHardlink(id, true))) {
            try {
                hardlink(objectPath, target);
                if (index != null) {
                    index.recordLink(object != null ? object.file() : FileStore.identity(objectPath).file(), id);
                }
                return;
            } catch (NoSuchFileException e) {
                if (!Files.exists(objectPath, LinkOption.NOFOLLOW_LINKS)) {
                    throw new NoSuchObjectException(new ObjectName(id, ObjectType.FILE));
                }
                throw e;
            } catch (FileSystemException e) {
                if (e.getReason() == null || !e.getReason().contains("cross-device")) {
                    throw e;
                }
                // The destination is on another file system: copies, as ostree makes them there.
                crossDevice = true;
            }
        }
        if (repo.mode() == RepoMode.ARCHIVE && userMode && repo.config().getBoolean("core", "enable-uncompressed-cache", true)) {
            Optional<Path> cached = uncompressedCopy(id);
            if (cached.isPresent()) {
                hardlink(cached.get(), target);
                return;
            }
        }
        try (ContentObject obj = repo.openContent(id)) {
            FileHeader h = obj.header();
            // A fresh checkout writes in place; a union checkout stages beside the target and renames over it.
            Path staged = union ? target.resolveSibling(".tmp-" + UUID.randomUUID()) : target;
            try {
                if (h.isSymlink()) {
                    Symlinks.create(staged, h.symlinkTarget());
                } else {
                    try (InputStream in = obj.stream()) {
                        Files.copy(in, staged);
                    }
                }
                if (!userMode) {
                    FileStore.chown(staged, h.uid(), h.gid());
                    if (!h.isSymlink()) {
                        FileXattrs.write(staged, h.xattrs());
                    }
                }
                if (!h.isSymlink()) {
                    FileStore.chmod(staged, userMode ? h.mode() & ~06000 : h.mode());
                }
                if (union) {
                    Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (IOException | RuntimeException e) {
                if (union || !(e instanceof FileAlreadyExistsException)) {
                    Files.deleteIfExists(staged);
                }
                throw e;
            }
        }
    }
}
