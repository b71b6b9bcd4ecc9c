package org.aptostree.daemon.compose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.DirMeta;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.Repository;

/**
 * The commit a tree is built on, read by path: who owns a path in it. A tree built on a base keeps the base's
 * owners for what the build changed without saying whose it is (a file a script rewrote, a directory a package
 * also ships), so only those paths are looked up, each directory's tree once. Safe for the commit's workers.
 */
final class BaseTree {
    private final Repository repo;
    private final ObjectId commit;
    /** Directory path ("/" or "/a/b") → its tree and metadata; absent when the base has no such directory. */
    private final Map<String, Optional<Dir>> dirs = new HashMap<>();

    private record Dir(DirTree tree, DirMeta meta) {
    }

    BaseTree(Repository repo, ObjectId commit) {
        this.repo = repo;
        this.commit = commit;
    }

    ObjectId commit() {
        return commit;
    }

    /** {uid, gid} of {@code path} (absolute) in the base, if it has it. */
    synchronized Optional<int[]> owner(String path) {
        try {
            Optional<Dir> dir = dir(path);
            if (dir.isPresent()) {
                return Optional.of(new int[] {dir.get().meta().uid(), dir.get().meta().gid()});
            }
            int slash = path.lastIndexOf('/');
            Optional<Dir> parent = dir(slash == 0 ? "/" : path.substring(0, slash));
            if (parent.isEmpty()) {
                return Optional.empty();
            }
            String name = path.substring(slash + 1);
            for (DirTree.FileEntry f : parent.get().tree().files()) {
                if (f.name().equals(name)) {
                    var header = repo.readContentHeader(f.content());
                    return Optional.of(new int[] {header.uid(), header.gid()});
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the base commit " + commit + " at " + path, e);
        } catch (OstreeFormatException e) {
            throw new UncheckedIOException(new IOException("reading the base commit " + commit + " at " + path + ": " + e.getMessage(), e));
        }
    }

    private Optional<Dir> dir(String path) throws IOException, OstreeFormatException {
        Optional<Dir> known = dirs.get(path);
        if (known != null) {
            return known;
        }
        Optional<Dir> found;
        if (path.equals("/")) {
            var c = repo.readCommit(commit);
            found = Optional.of(new Dir(repo.readDirTree(c.rootTree()), repo.readDirMeta(c.rootMeta())));
        } else {
            int slash = path.lastIndexOf('/');
            Optional<Dir> parent = dir(slash == 0 ? "/" : path.substring(0, slash));
            String name = path.substring(slash + 1);
            found = Optional.empty();
            if (parent.isPresent()) {
                for (DirTree.DirEntry d : parent.get().tree().dirs()) {
                    if (d.name().equals(name)) {
                        found = Optional.of(new Dir(repo.readDirTree(d.tree()), repo.readDirMeta(d.meta())));
                        break;
                    }
                }
            }
        }
        dirs.put(path, found);
        return found;
    }
}
