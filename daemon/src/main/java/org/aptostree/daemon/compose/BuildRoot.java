package org.aptostree.daemon.compose;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.aptostree.deb.dpkg.DpkgDatabase;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.Checkout;
import org.aptostree.ostree.repo.CommitModifier;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.sysroot.Deployer;

/**
 * The tree the pipeline's stages work on, in a staging directory that {@link #close} removes: the root packages
 * are unpacked into and scripts run in, and the owners of its files ({@link OwnershipTable}, since the disk's owners
 * are the builder's). A compose starts it empty. Layering starts it from a base commit, checked out as hard links
 * to the base's objects in the layout packages expect ({@link OstreeLayout#restoreWorkingLayout}); then scripts
 * run under an {@link Overlay} (or, without root, on a checkout of copies), the owners the build does not set come
 * from the base, and the commit reuses the checksums of the files still linked instead of reading them again.
 */
final class BuildRoot implements Closeable {
    private final Path staging;
    private final Path root;
    private final OwnershipTable owners = new OwnershipTable();
    private final Optional<BaseTree> base;
    private final Map<Long, ObjectId> linked;
    private final boolean overlay;

    private BuildRoot(Path staging, Optional<BaseTree> base, Map<Long, ObjectId> linked, boolean overlay) {
        this.staging = staging;
        this.root = staging.resolve("root");
        this.base = base;
        this.linked = linked;
        this.overlay = overlay;
    }

    /** An empty tree in a new directory below {@code workDirectory}, for a compose. */
    static BuildRoot empty(Path workDirectory) throws IOException {
        BuildRoot b = new BuildRoot(Files.createTempDirectory(Files.createDirectories(workDirectory), "compose-"),
                Optional.empty(), Map.of(), false);
        Files.createDirectory(b.root);
        return b;
    }

    /**
     * The tree of {@code commit} in a new directory below {@code workDirectory} (which must be on the file system
     * of the repository for the links), ready for packages and their scripts.
     */
    static BuildRoot fromCommit(Repository repo, ObjectId commit, Path workDirectory) throws IOException, OstreeFormatException {
        boolean privileged = isRoot();
        Map<Long, ObjectId> linked = new ConcurrentHashMap<>();
        BuildRoot b = new BuildRoot(Files.createTempDirectory(Files.createDirectories(workDirectory), "layer-"),
                Optional.of(new BaseTree(repo, commit)), linked, privileged);
        try {
            // Without root there is no overlay to shield linked objects from scripts: the checkout is of copies.
            new Checkout(repo).copies(!privileged).recordLinks(linked).checkout(commit, b.root);
            OstreeLayout.restoreWorkingLayout(b.root, b.owners);
            return b;
        } catch (IOException | OstreeFormatException | RuntimeException e) {
            b.close();
            throw e;
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    Path root() {
        return root;
    }

    OwnershipTable owners() {
        return owners;
    }

    Optional<BaseTree> base() {
        return base;
    }

    /** The dpkg database: a new one for an empty tree, the base's own for a tree built on a commit. */
    DpkgDatabase database() throws IOException {
        return base.isPresent() ? DpkgDatabase.open(root, false) : DpkgDatabase.create(root, false);
    }

    /** A sandbox for the tree's scripts, with {@code SOURCE_DATE_EPOCH} set to {@code sourceDateEpoch}. */
    Sandbox sandbox(long sourceDateEpoch) throws IOException {
        Overlay o = overlay ? new Overlay(root, Files.createDirectories(staging.resolve("overlay"))) : null;
        return new Sandbox(root, staging.resolve("run"), sourceDateEpoch, o);
    }

    /**
     * How the tree is committed: owners from the table, else from the base (for what the build changed of it),
     * else root; files still linked to the base's objects keep their checksums. Moving files into the repository
     * is allowed, the tree being scratch.
     */
    CommitModifier commitModifier() {
        return CommitModifier.NONE
                .withOwnerFilter((path, uid, gid) -> owners.known(path).or(() -> base.flatMap(b -> b.owner(path)))
                        .orElse(new int[] {0, 0}))
                .withLinkedObjects(linked)
                .withConsume(true);
    }

    /**
     * Takes the tree out of the staging directory, for a deployment of what was committed from it: the tree moves
     * to a new directory beside the staging one, with the links to the base's objects it kept.
     */
    Deployer.PreparedTree takeTree() throws IOException {
        Path kept = Files.createTempDirectory(staging.getParent(), "tree-");
        Path tree = kept.resolve("root");
        Files.move(root, tree, StandardCopyOption.ATOMIC_MOVE);
        return new Deployer.PreparedTree(tree, linked);
    }

    @Override
    public void close() throws IOException {
        if (Files.isDirectory(staging)) {
            OstreeLayout.emptyDirectory(staging);
            Files.delete(staging);
        }
    }
}
