package org.aptostree.ostree.container;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.ContentObject;
import org.aptostree.ostree.repo.Repository;

/**
 * Lays the commits of derived layers over a base commit with the OCI whiteout rules, as ostree-ext does by checking
 * each layer out over the base with libostree's {@code process_whiteouts} and union mode:
 * <ul>
 * <li>{@code .wh.NAME} removes {@code NAME} (file or directory) from what is below; the whiteout itself is not
 * kept;</li>
 * <li>a directory holding {@code .wh..wh..opq} replaces the directory below instead of merging into it;</li>
 * <li>a file replaces whatever had its name, a directory replaces a file or symlink;</li>
 * <li>a directory that exists below keeps its owner and mode (libostree does not change a directory it did not
 * create).</li>
 * </ul>
 * Then, as ostree-ext's {@code cleanup_root}, the empty {@code hostname} and {@code resolv.conf} a container build
 * leaves in {@code /etc} are removed.
 */
final class LayerMerge {
    static final String WHITEOUT_PREFIX = ".wh.";
    static final String OPAQUE_WHITEOUT = ".wh..wh..opq";
    private static final List<String> RUNTIME_INJECTED = List.of("hostname", "resolv.conf");

    private LayerMerge() {
    }

    /** The base commit's tree (or an empty one, for an image with no ostree layer) with the layers' trees laid over it in order. */
    static OverlayTree merge(Repository repo, Optional<Commit> base, List<ObjectId> layerCommits) throws IOException, OstreeFormatException {
        OverlayTree tree = base.isPresent() ? OverlayTree.of(repo, base.get().rootTree(), base.get().rootMeta())
                : OverlayTree.empty(repo, OverlayTree.DEFAULT_DIR);
        for (ObjectId layer : layerCommits) {
            Commit c = repo.readCommit(layer);
            apply(repo, tree, tree.root, repo.readDirTree(c.rootTree()), "/");
        }
        removeRuntimeInjected(repo, tree);
        return tree;
    }

    private static void apply(Repository repo, OverlayTree tree, OverlayTree.Dir target, DirTree layer, String path)
            throws IOException, OstreeFormatException {
        Map<String, OverlayTree.Node> below = tree.children(target);
        for (DirTree.FileEntry f : layer.files()) {
            if (f.name().startsWith(WHITEOUT_PREFIX)) {
                String hidden = f.name().substring(WHITEOUT_PREFIX.length());
                if (hidden.isEmpty()) {
                    throw new OstreeFormatException("Invalid empty whiteout '" + path + f.name() + "'");
                }
                // The opaque marker names ".wh..opq", which nothing has: like libostree, it removes nothing itself.
                below.remove(hidden);
                continue;
            }
            below.put(f.name(), OverlayTree.File.of(f.content()));
        }
        for (DirTree.DirEntry d : layer.dirs()) {
            DirTree sub = repo.readDirTree(d.tree());
            boolean opaque = sub.files().stream().anyMatch(f -> f.name().equals(OPAQUE_WHITEOUT));
            OverlayTree.Node existing = below.get(d.name());
            OverlayTree.Dir into;
            if (!opaque && existing instanceof OverlayTree.Dir dir) {
                into = dir;
            } else {
                into = new OverlayTree.Dir(repo.readDirMeta(d.meta()));
                below.put(d.name(), into);
            }
            apply(repo, tree, into, sub, path + d.name() + "/");
        }
    }

    private static void removeRuntimeInjected(Repository repo, OverlayTree tree) throws IOException, OstreeFormatException {
        OverlayTree.Dir etc = directory(tree, tree.root, "usr", "etc");
        if (etc == null) {
            return;
        }
        Map<String, OverlayTree.Node> entries = tree.children(etc);
        for (String name : RUNTIME_INJECTED) {
            if (entries.get(name) instanceof OverlayTree.File f) {
                try (ContentObject c = repo.openContent(org.aptostree.ostree.repo.WorkerPool.join(f.content()))) {
                    if (!c.header().isSymlink() && c.size() == 0) {
                        entries.remove(name);
                    }
                }
            }
        }
    }

    private static OverlayTree.Dir directory(OverlayTree tree, OverlayTree.Dir from, String... names) throws IOException, OstreeFormatException {
        OverlayTree.Dir d = from;
        for (String n : names) {
            if (!(tree.children(d).get(n) instanceof OverlayTree.Dir next)) {
                return null;
            }
            d = next;
        }
        return d;
    }
}
