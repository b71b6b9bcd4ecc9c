package org.aptostree.ostree.repo;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectName;
import org.aptostree.ostree.object.ObjectType;

/**
 * The objects reachable from a set of commits, following parents up to a depth, as libostree's
 * {@code ostree_repo_traverse_commit}. Missing parents end a history; a missing tree object is an error.
 */
public final class Reachability {
    private Reachability() {
    }

    /**
     * @param depth how many parents to follow from each commit; -1 for the whole history
     */
    public static Set<ObjectName> of(Repository repo, Collection<ObjectId> commits, int depth) throws IOException, OstreeFormatException {
        Set<ObjectName> reached = new LinkedHashSet<>();
        for (ObjectId start : commits) {
            Optional<ObjectId> next = Optional.of(start);
            for (int d = 0; next.isPresent() && (depth < 0 || d <= depth); d++) {
                ObjectId id = next.get();
                if (!reached.add(new ObjectName(id, ObjectType.COMMIT)) || !repo.has(id, ObjectType.COMMIT)) {
                    break;
                }
                if (repo.has(id, ObjectType.COMMIT_META)) {
                    reached.add(new ObjectName(id, ObjectType.COMMIT_META));
                }
                Commit c = repo.readCommit(id);
                reached.add(new ObjectName(c.rootMeta(), ObjectType.DIR_META));
                addTree(repo, c.rootTree(), reached);
                next = c.parent();
            }
        }
        return reached;
    }

    private static void addTree(Repository repo, ObjectId tree, Set<ObjectName> reached) throws IOException, OstreeFormatException {
        if (!reached.add(new ObjectName(tree, ObjectType.DIR_TREE))) {
            return;
        }
        DirTree t = repo.readDirTree(tree);
        for (DirTree.FileEntry f : t.files()) {
            reached.add(new ObjectName(f.content(), ObjectType.FILE));
        }
        for (DirTree.DirEntry d : t.dirs()) {
            reached.add(new ObjectName(d.meta(), ObjectType.DIR_META));
            addTree(repo, d.tree(), reached);
        }
    }
}
