package org.aptostree.ostree.repo;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.aptostree.ostree.object.ObjectId;

/**
 * What a checkout made, so that a commit of the same directory, and a checkout over it, can tell what is still as
 * the checkout left it: the object each linked file is (by device and inode, libostree's devino cache), and for each
 * directory its dirtree and dirmeta objects with the inode and change time it had once the checkout ended.
 *
 * <p>A directory whose inode and change time are unchanged has the same entries and the same own metadata: adding,
 * removing or renaming an entry, and changing the directory's owner, mode or xattrs, all set its change time. A
 * directory tree none of whose directories changed is taken as it was checked out, and nothing in it is read. This
 * holds only while nothing is changed in place, which the caller must ensure: every change adds, removes or renames a
 * name, or changes a directory's own metadata. Writing into a file, or changing a file's owner, mode or xattrs, would
 * not be seen (and, for a file linked to an object, would change the repository's object).
 *
 * <p>A commit of the tree records in turn what it read of the changed directories ({@link #recordRead}): a checkout
 * of that commit over the tree keeps, without looking at them, the names the commit found linked to their objects in
 * directories whose change time is still the one they had when the commit listed them.
 *
 * <p>Change times have the kernel's clock tick as their resolution, so a directory changed in the tick of the
 * checkout's last change could keep its time. {@link #seal} therefore takes the directories whose change time is not
 * older than a file made after the checkout ended for changed ones.
 */
public final class CheckoutIndex {
    /** Linked files by their JDK file key (device and inode) → the object they are. */
    private final Map<Object, ObjectId> linkedFiles = new ConcurrentHashMap<>();
    /** Directory path in the tree ("/" or "/a/b") → its objects; its inode and change time once sealed. */
    private final Map<String, Dir> dirs = new ConcurrentHashMap<>();
    private final Set<String> marked = ConcurrentHashMap.newKeySet();
    /** Directories whose change time the clock could not tell from a later change's. */
    private final Set<String> racy = new HashSet<>();
    /** Directories a commit of the tree read: their state before, and their names still linked to objects. */
    private final Map<String, Read> reads = new ConcurrentHashMap<>();
    private boolean sealed;
    private boolean userMode;
    private boolean copies;

    /** A checked-out directory's objects, and its state once sealed. */
    private record Dir(ObjectId tree, ObjectId meta, DirectoryState state) {
    }

    /** A directory of a tree as it was checked out. */
    record Subtree(ObjectId tree, ObjectId meta) {
    }

    /** A directory's inode and change time. */
    record DirectoryState(long inode, FileTime ctime) {
        // Written out, as in the other records a layering compares: a record's generated equals and hashCode are linked
        // through invokedynamic at their first call, which costs a short command milliseconds each (JDK 17).
        @Override
        public boolean equals(Object other) {
            return other instanceof DirectoryState s && inode == s.inode && ctime.equals(s.ctime);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(inode) * 31 + ctime.hashCode();
        }

        /** The state of {@code dir}, which must be a directory. */
        static DirectoryState of(Path dir) throws IOException {
            DirectoryState state = stateOf(dir);
            if (state == null) {
                throw new NotDirectoryException(dir.toString());
            }
            return state;
        }
    }

    private record Read(DirectoryState before, Map<String, ObjectId> linked) {
    }

    /**
     * The object a file of the tree is a link to, by the file's key
     * ({@link java.nio.file.attribute.BasicFileAttributes#fileKey}); null when it is not one.
     */
    public ObjectId linkedObject(Object file) {
        return file == null ? null : linkedFiles.get(file);
    }

    /** Says that the commit gives {@code path} (absolute in the tree) metadata other than the disk's, as an owner table does. */
    public void markChanged(String path) {
        marked.add(path);
    }

    void recordLink(Object file, ObjectId object) {
        if (file != null) {
            linkedFiles.putIfAbsent(file, object);
        }
    }

    void recordDirectory(String path, ObjectId tree, ObjectId meta) {
        dirs.put(path, new Dir(tree, meta, null));
    }

    /**
     * Ends the recording of a checkout into {@code root} (made with {@code userMode} and {@code copies}): every
     * directory's inode and change time, except those the clock cannot tell from a change made next.
     */
    void seal(Path root, boolean userMode, boolean copies) throws IOException {
        this.userMode = userMode;
        this.copies = copies;
        for (Map.Entry<String, Dir> e : dirs.entrySet()) {
            e.setValue(new Dir(e.getValue().tree(), e.getValue().meta(), DirectoryState.of(resolve(root, e.getKey()))));
        }
        FileTime now = stamp(root);
        // Those are read again as changed ones, and so are the directories above them, which may be unchanged.
        dirs.entrySet().removeIf(e -> e.getValue().state().ctime().compareTo(now) >= 0 && racy.add(e.getKey()));
        sealed = true;
    }

    /**
     * Records what a commit read of the directory at {@code path}: its state before it was listed, and the names that
     * were links to their objects. A checkout over the tree takes those names as they are while the directory keeps
     * that state, without looking at each.
     */
    void recordRead(String path, DirectoryState before, Map<String, ObjectId> linked) {
        reads.put(path, new Read(before, Map.copyOf(linked)));
    }

    /** Ends a commit's reads of the tree at {@code root}: as {@link #seal}, a read the clock cannot vouch for is dropped. */
    void sealReads(Path root) throws IOException {
        FileTime now = stamp(root);
        reads.values().removeIf(r -> r.before().ctime().compareTo(now) >= 0);
    }

    /** The change time of a file made now in {@code root} (and removed). */
    private static FileTime stamp(Path root) throws IOException {
        Path stamp = TempPaths.createFile(root, ".checkout-index-", "");
        try {
            return (FileTime) Files.getAttribute(stamp, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
        } finally {
            Files.delete(stamp);
        }
    }

    /** Whether a checkout with these settings makes what the recorded one made. */
    boolean madeLike(boolean otherUserMode, boolean otherCopies) {
        return sealed && userMode == otherUserMode && copies == otherCopies;
    }

    /**
     * The directories of the tree at {@code root} that are, with everything below them, as the checkout left them (and
     * not {@linkplain #markChanged marked}); read now, for one commit or checkout.
     */
    Unchanged unchanged(Path root) throws IOException {
        // A directory both checked out and read by a commit is looked at once.
        Map<String, DirectoryState> now = new HashMap<>();
        Set<String> changed = new HashSet<>();
        if (sealed) {
            for (Map.Entry<String, Dir> e : dirs.entrySet()) {
                DirectoryState state = stateOf(resolve(root, e.getKey()));
                now.put(e.getKey(), state);
                if (!e.getValue().state().equals(state)) {
                    changed.add(e.getKey());
                }
            }
        }
        changed.addAll(racy);
        changed.addAll(marked);
        Set<String> touched = new HashSet<>();
        for (String path : changed) {
            // Every directory above a change holds a changed entry.
            String p = path;
            while (touched.add(p) && !p.equals("/")) {
                p = parent(p);
            }
        }
        Map<String, Map<String, ObjectId>> stillLinked = new HashMap<>();
        for (Map.Entry<String, Read> e : reads.entrySet()) {
            DirectoryState state = now.containsKey(e.getKey()) ? now.get(e.getKey()) : stateOf(resolve(root, e.getKey()));
            if (e.getValue().before().equals(state)) {
                stillLinked.put(e.getKey(), e.getValue().linked());
            }
        }
        return new Unchanged(sealed ? dirs : Map.of(), touched, Set.copyOf(marked), stillLinked);
    }

    /** The snapshot {@link #unchanged} takes. */
    static final class Unchanged {
        private final Map<String, Dir> dirs;
        private final Set<String> touched;
        private final Set<String> marked;
        private final Map<String, Map<String, ObjectId>> stillLinked;

        private Unchanged(Map<String, Dir> dirs, Set<String> touched, Set<String> marked, Map<String, Map<String, ObjectId>> stillLinked) {
            this.dirs = dirs;
            this.touched = touched;
            this.marked = marked;
            this.stillLinked = stillLinked;
        }

        /**
         * The names of the directory at {@code path} that a commit read as links to these objects, when the directory
         * is as it was then; else none.
         */
        Map<String, ObjectId> stillLinked(String path) {
            return stillLinked.getOrDefault(path, Map.of());
        }

        /** Whether {@code path} was {@linkplain CheckoutIndex#markChanged marked}: a linked file there is not its object as it is. */
        boolean marked(String path) {
            return marked.contains(path);
        }

        /** The directory at {@code path} when it and everything below it are as checked out. */
        Optional<Subtree> subtree(String path) {
            Dir d = dirs.get(path);
            return d == null || touched.contains(path) ? Optional.empty() : Optional.of(new Subtree(d.tree(), d.meta()));
        }

        /**
         * Whether the directory at {@code path}, with everything below it, is as checked out and was checked out from
         * these objects. Compared field by field: a record's generated equals is linked at its first call (JDK 17),
         * which costs a deployment milliseconds.
         */
        boolean isSubtree(String path, ObjectId tree, ObjectId meta) {
            Dir d = dirs.get(path);
            return d != null && !touched.contains(path) && d.tree().equals(tree) && d.meta().equals(meta);
        }
    }

    /** The state of the directory at {@code dir}; null when there is none. */
    private static DirectoryState stateOf(Path dir) throws IOException {
        try {
            Map<String, Object> a = Files.readAttributes(dir, "unix:ino,ctime,mode", LinkOption.NOFOLLOW_LINKS);
            return ((Integer) a.get("mode") & 0170000) == 0040000 ? new DirectoryState((Long) a.get("ino"), (FileTime) a.get("ctime")) : null;
        } catch (FileSystemException e) {
            // Gone, or a file stands where a directory above it was.
            return null;
        }
    }

    private static Path resolve(Path root, String path) {
        return path.equals("/") ? root : root.resolve(path.substring(1));
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash == 0 ? "/" : path.substring(0, slash);
    }
}
