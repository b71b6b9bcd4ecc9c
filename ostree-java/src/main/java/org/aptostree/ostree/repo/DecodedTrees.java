package org.aptostree.ostree.repo;

import java.lang.ref.SoftReference;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.ObjectId;

/**
 * The dirtree objects of one repository that this process has read and decoded. A layering checks out its base, its
 * deployment reads the new commit's trees (all but a few the base's), and the prune after it walks both commits: each
 * step opens the repository anew, so the cache belongs to the repository's directory, process-wide (as JGit's
 * WindowCache). An object never changes, its name being its checksum; an entry is only wrong once its object is
 * deleted, and this repository's deletions (prune, fsck) drop its entries. (Objects that another process deletes
 * while this one reads the commits they belong to fail the reader with or without it.)
 * <p>
 * Held softly, and up to {@link #MAX_ENTRIES} file and directory entries (~25 MB) per repository, for the few
 * repositories last opened.
 */
final class DecodedTrees {
    private static final int MAX_ENTRIES = 1 << 18;
    private static final int MAX_REPOSITORIES = 4;
    private static final Map<Path, DecodedTrees> BY_REPOSITORY = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, DecodedTrees> eldest) {
            return size() > MAX_REPOSITORIES;
        }
    };

    private volatile SoftReference<Map<ObjectId, DirTree>> trees = new SoftReference<>(new ConcurrentHashMap<>());
    private final AtomicInteger entries = new AtomicInteger();

    private DecodedTrees() {
    }

    /** The cache of the repository at {@code repository} (an absolute, normalized path). */
    static DecodedTrees of(Path repository) {
        synchronized (BY_REPOSITORY) {
            return BY_REPOSITORY.computeIfAbsent(repository, p -> new DecodedTrees());
        }
    }

    DirTree get(ObjectId id) {
        Map<ObjectId, DirTree> map = trees.get();
        return map == null ? null : map.get(id);
    }

    void put(ObjectId id, DirTree tree) {
        Map<ObjectId, DirTree> map = trees.get();
        if (map == null || entries.get() > MAX_ENTRIES) {
            map = clear();
        }
        if (map.putIfAbsent(id, tree) == null) {
            entries.addAndGet(1 + tree.files().size() + tree.dirs().size());
        }
    }

    /** Forgets every tree: objects of the repository were deleted. */
    Map<ObjectId, DirTree> clear() {
        Map<ObjectId, DirTree> fresh = new ConcurrentHashMap<>();
        trees = new SoftReference<>(fresh);
        entries.set(0);
        return fresh;
    }
}
