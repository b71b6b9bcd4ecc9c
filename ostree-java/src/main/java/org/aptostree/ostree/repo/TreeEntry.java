package org.aptostree.ostree.repo;

import java.io.IOException;
import java.util.Optional;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.ObjectId;

/** A path inside a commit: either a directory (dirtree and dirmeta) or a file (content object). */
public sealed interface TreeEntry {
    /** A directory of a commit. */
    record Dir(ObjectId tree, ObjectId meta) implements TreeEntry {
    }

    /** A regular file or symlink of a commit. */
    record File(ObjectId content) implements TreeEntry {
    }

    /** Looks up an absolute or relative path in a commit's tree, as {@code ostree ls} and {@code cat} do. */
    static Optional<TreeEntry> lookupIn(Repository repo, ObjectId commit, String path) throws IOException, OstreeFormatException {
        var c = repo.readCommit(commit);
        TreeEntry cur = new Dir(c.rootTree(), c.rootMeta());
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (!(cur instanceof Dir dir)) {
                return Optional.empty();
            }
            DirTree t = repo.readDirTree(dir.tree());
            Optional<TreeEntry> next = t.dirs().stream().filter(d -> d.name().equals(part))
                    .<TreeEntry>map(d -> new Dir(d.tree(), d.meta())).findFirst();
            if (next.isEmpty()) {
                next = t.files().stream().filter(f -> f.name().equals(part)).<TreeEntry>map(f -> new File(f.content())).findFirst();
            }
            if (next.isEmpty()) {
                return Optional.empty();
            }
            cur = next.get();
        }
        return Optional.of(cur);
    }
}
