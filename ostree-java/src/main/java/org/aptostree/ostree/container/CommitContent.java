package org.aptostree.ostree.container;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectType;
import org.aptostree.ostree.repo.ContentObject;
import org.aptostree.ostree.repo.RepoMode;
import org.aptostree.ostree.repo.Repository;

/**
 * The content objects of a commit with every path that names them, in the order ostree-ext's chunking walk finds
 * them (a directory's files, then its subdirectories, each in dirtree order), keyed by checksum in ascending order.
 */
final class CommitContent {
    /** One content object: its size and its absolute paths ({@code /usr/bin/bash}). */
    static final class Paths {
        final long size;
        final List<String> paths = new ArrayList<>(1);

        Paths(long size) {
            this.size = size;
        }
    }

    final Map<ObjectId, Paths> objects = new TreeMap<>();
    /** Symlink targets by absolute path, for resolving package file lists through /bin, /lib and the like. */
    final Map<String, ObjectId> files = new TreeMap<>();
    final java.util.Set<String> directories = new java.util.HashSet<>();

    static CommitContent of(Repository repo, ObjectId commitId) throws IOException, OstreeFormatException {
        Commit c = repo.readCommit(commitId);
        CommitContent out = new CommitContent();
        out.directories.add("/");
        out.walk(repo, c.rootTree(), "/");
        return out;
    }

    private void walk(Repository repo, ObjectId tree, String path) throws IOException, OstreeFormatException {
        DirTree t = repo.readDirTree(tree);
        String prefix = path.equals("/") ? "/" : path + "/";
        for (DirTree.FileEntry f : t.files()) {
            Paths p = objects.get(f.content());
            if (p == null) {
                p = new Paths(size(repo, f.content()));
                objects.put(f.content(), p);
            }
            p.paths.add(prefix + f.name());
            files.put(prefix + f.name(), f.content());
        }
        for (DirTree.DirEntry d : t.dirs()) {
            directories.add(prefix + d.name());
            walk(repo, d.tree(), prefix + d.name());
        }
    }

    /** The content size, cheaply: the object file's size where it is stored as itself. */
    static long size(Repository repo, ObjectId id) throws IOException, OstreeFormatException {
        if (repo.mode() == RepoMode.ARCHIVE) {
            try (ContentObject c = repo.openContent(id)) {
                return c.size();
            }
        }
        return Files.size(repo.objectPath(id, ObjectType.FILE));
    }
}
