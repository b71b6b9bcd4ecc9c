package org.aptostree.ostree.repo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.DirMeta;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectType;

/**
 * A directory being committed: its metadata, its files (content checksums still being computed by worker
 * threads) and its subdirectories. Written bottom-up once every file has its checksum.
 */
final class MutableTree {
    DirMeta meta;
    final Map<String, Future<ObjectId>> files = new TreeMap<>();
    final Map<String, MutableTree> dirs = new TreeMap<>();
    /** Subdirectories whose objects are in the repository already (unchanged since a checkout). */
    private final Map<String, TreeWriter.Root> written = new TreeMap<>();

    MutableTree(DirMeta meta) {
        this.meta = meta;
    }

    /** The subdirectory {@code name}, created with {@code meta} if missing; a file of that name is replaced. */
    MutableTree directory(String name, DirMeta defaultMeta) {
        files.remove(name);
        written.remove(name);
        return dirs.computeIfAbsent(name, n -> new MutableTree(defaultMeta));
    }

    void putFile(String name, Future<ObjectId> content) {
        dirs.remove(name);
        written.remove(name);
        files.put(name, content);
    }

    /** The subdirectory {@code name} as objects already written, replacing what had that name. */
    void putWritten(String name, TreeWriter.Root objects) {
        files.remove(name);
        dirs.remove(name);
        written.put(name, objects);
    }

    TreeWriter.Root write(ObjectInserter inserter) throws IOException, OstreeFormatException {
        List<DirTree.FileEntry> fileEntries = new ArrayList<>(files.size());
        for (Map.Entry<String, Future<ObjectId>> e : files.entrySet()) {
            fileEntries.add(new DirTree.FileEntry(e.getKey(), WorkerPool.join(e.getValue())));
        }
        List<DirTree.DirEntry> dirEntries = new ArrayList<>(dirs.size() + written.size());
        for (Map.Entry<String, MutableTree> e : dirs.entrySet()) {
            TreeWriter.Root child = e.getValue().write(inserter);
            dirEntries.add(new DirTree.DirEntry(e.getKey(), child.tree(), child.meta()));
        }
        written.forEach((name, child) -> dirEntries.add(new DirTree.DirEntry(name, child.tree(), child.meta())));
        ObjectId tree = inserter.writeMetadata(ObjectType.DIR_TREE, DirTree.sorted(fileEntries, dirEntries).encode());
        ObjectId metaId = inserter.writeMetadata(ObjectType.DIR_META, meta.encode());
        return new TreeWriter.Root(tree, metaId);
    }
}
