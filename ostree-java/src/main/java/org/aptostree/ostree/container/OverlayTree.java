package org.aptostree.ostree.container;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.DirMeta;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.FileMode;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectType;
import org.aptostree.ostree.repo.ObjectInserter;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.repo.WorkerPool;

/**
 * A directory tree assembled in memory on top of trees already in a repository: a directory is read only when
 * something below it changes, and one left alone is written back as the objects it was. Files are content objects,
 * possibly still being written by worker threads. Used to build a derived layer's commit from its tar and to merge
 * layers into an image's commit; nothing here touches a file system path, so no tar entry can make it write
 * outside the repository.
 */
final class OverlayTree {
    /** The dirmeta of directories a tar implies but does not list: root-owned, 0755 (ostree's default). */
    static final DirMeta DEFAULT_DIR = new DirMeta(0, 0, FileMode.S_IFDIR | 0755, List.of());

    /** A file (regular or symlink) or a directory. */
    sealed interface Node permits File, Dir {
    }

    /** A file: its content object, perhaps not yet computed. */
    record File(Future<ObjectId> content) implements Node {
        static File of(ObjectId id) {
            return new File(CompletableFuture.completedFuture(id));
        }
    }

    /** A directory: stored objects until expanded, then its entries (by name, in any order; written sorted). */
    static final class Dir implements Node {
        private ObjectId storedTree;
        private ObjectId storedMeta;
        private DirMeta meta;
        private Map<String, Node> children;

        private Dir(ObjectId tree, ObjectId metaId) {
            this.storedTree = tree;
            this.storedMeta = metaId;
        }

        Dir(DirMeta meta) {
            this.meta = meta;
            this.children = new TreeMap<>();
        }

        /** Replaces the directory's own metadata (its entries stay). */
        void setMeta(DirMeta m) {
            this.meta = m;
            this.storedMeta = null;
        }
    }

    private final Repository repo;
    final Dir root;

    private OverlayTree(Repository repo, Dir root) {
        this.repo = repo;
        this.root = root;
    }

    /** An empty tree whose root has {@code rootMeta}. */
    static OverlayTree empty(Repository repo, DirMeta rootMeta) {
        return new OverlayTree(repo, new Dir(rootMeta));
    }

    /** The tree of a stored commit (its root dirtree and dirmeta), read as needed. */
    static OverlayTree of(Repository repo, ObjectId rootTree, ObjectId rootMeta) {
        return new OverlayTree(repo, new Dir(rootTree, rootMeta));
    }

    /** A stored directory as a node, read only if changed. */
    static Dir stored(ObjectId tree, ObjectId meta) {
        return new Dir(tree, meta);
    }

    /** The entries of {@code d}, reading its dirtree the first time. */
    Map<String, Node> children(Dir d) throws IOException, OstreeFormatException {
        if (d.children == null) {
            DirTree t = repo.readDirTree(d.storedTree);
            Map<String, Node> c = new TreeMap<>();
            for (DirTree.FileEntry f : t.files()) {
                c.put(f.name(), File.of(f.content()));
            }
            for (DirTree.DirEntry e : t.dirs()) {
                c.put(e.name(), new Dir(e.tree(), e.meta()));
            }
            d.children = c;
            d.storedTree = null;
        }
        return d.children;
    }

    /** The metadata of {@code d}. */
    DirMeta meta(Dir d) throws IOException, OstreeFormatException {
        if (d.meta == null) {
            d.meta = repo.readDirMeta(d.storedMeta);
        }
        return d.meta;
    }

    /** The root dirtree and dirmeta of a written tree. */
    record Root(ObjectId tree, ObjectId meta) {
    }

    /** Writes the changed directories (bottom up) once every file's content is known. */
    Root write(ObjectInserter inserter) throws IOException, OstreeFormatException {
        return write(root, inserter);
    }

    private Root write(Dir d, ObjectInserter inserter) throws IOException, OstreeFormatException {
        if (d.children == null && d.storedMeta != null) {
            return new Root(d.storedTree, d.storedMeta);
        }
        ObjectId tree;
        if (d.children == null) {
            tree = d.storedTree;
        } else {
            List<DirTree.FileEntry> files = new ArrayList<>();
            List<DirTree.DirEntry> dirs = new ArrayList<>();
            for (Map.Entry<String, Node> e : d.children.entrySet()) {
                if (e.getValue() instanceof File f) {
                    files.add(new DirTree.FileEntry(e.getKey(), WorkerPool.join(f.content())));
                } else {
                    Root sub = write((Dir) e.getValue(), inserter);
                    dirs.add(new DirTree.DirEntry(e.getKey(), sub.tree(), sub.meta()));
                }
            }
            tree = inserter.writeMetadata(ObjectType.DIR_TREE, DirTree.sorted(files, dirs).encode());
        }
        ObjectId meta = d.storedMeta != null ? d.storedMeta : inserter.writeMetadata(ObjectType.DIR_META, d.meta.encode());
        return new Root(tree, meta);
    }
}
