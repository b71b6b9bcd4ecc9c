package org.aptostree.cli.ostree;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.repo.TreeEntry;

/**
 * A path of a commit taken as {@code ostree ls} and {@code ostree cat} take their arguments, through libostree's
 * {@code OstreeRepoFile}: split at each '/', every part a name (so "a/" names an empty name under "a", and ".." is
 * no parent), a part that starts again with '/' going back to the root. Its path is the names joined after a '/'.
 */
record RepoFile(List<String> names, TreeEntry entry) {
    /** Resolving failed; the message is libostree's. */
    static final class NotFound extends Exception {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message);
        }
    }

    /** The names of the directory that holds this file. */
    List<String> parent() {
        return names.isEmpty() ? names : names.subList(0, names.size() - 1);
    }

    String path() {
        return "/" + String.join("/", names);
    }

    static RepoFile root(Repository repo, ObjectId commit) throws IOException, OstreeFormatException {
        Commit c = repo.readCommit(commit);
        return new RepoFile(List.of(), new TreeEntry.Dir(c.rootTree(), c.rootMeta()));
    }

    /** A child of this directory. */
    RepoFile child(String name, TreeEntry child) {
        List<String> childNames = new ArrayList<>(names);
        childNames.add(name);
        return new RepoFile(List.copyOf(childNames), child);
    }

    static RepoFile resolve(Repository repo, ObjectId commit, String argument) throws IOException, OstreeFormatException, NotFound {
        return resolve(repo, commit, List.of(), argument);
    }

    /** {@code relative} resolved from the directory named by {@code base} (a symlink's target from its parent). */
    static RepoFile resolve(Repository repo, ObjectId commit, List<String> base, String relative)
            throws IOException, OstreeFormatException, NotFound {
        List<String> names = names(base, relative);
        RepoFile cur = root(repo, commit);
        for (String name : names) {
            if (!(cur.entry() instanceof TreeEntry.Dir dir)) {
                throw new NotFound("Not a directory");
            }
            Optional<TreeEntry> child = find(repo.readDirTree(dir.tree()), name);
            if (child.isEmpty()) {
                throw new NotFound("No such file or directory: " + cur.child(name, dir).path());
            }
            cur = cur.child(name, child.get());
        }
        return cur;
    }

    /** The names {@code ostree_repo_file_resolve_relative_path} walks from the root, starting at {@code base}. */
    static List<String> names(List<String> base, String relative) {
        List<String> names = new ArrayList<>(base);
        String rel = relative;
        while (true) {
            if (rel.startsWith("/")) {
                if (rel.equals("/")) {
                    names.clear();
                    return names;
                }
                boolean belowRoot = !names.isEmpty();
                names.clear();
                rel = rel.substring(1);
                if (belowRoot) {
                    // Resolved again from the root, which strips one more leading '/'.
                    continue;
                }
            }
            int slash = rel.indexOf('/');
            if (slash < 0) {
                names.add(rel);
                return names;
            }
            names.add(rel.substring(0, slash));
            rel = rel.substring(slash + 1);
        }
    }

    /** A dirtree's files are searched before its directories, as {@code ostree_repo_file_tree_find_child} does. */
    private static Optional<TreeEntry> find(DirTree tree, String name) {
        for (DirTree.FileEntry f : tree.files()) {
            if (f.name().equals(name)) {
                return Optional.of(new TreeEntry.File(f.content()));
            }
        }
        for (DirTree.DirEntry d : tree.dirs()) {
            if (d.name().equals(name)) {
                return Optional.of(new TreeEntry.Dir(d.tree(), d.meta()));
            }
        }
        return Optional.empty();
    }
}
