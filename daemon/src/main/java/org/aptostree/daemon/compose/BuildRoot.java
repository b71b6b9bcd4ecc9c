package org.aptostree.daemon.compose;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

import org.aptostree.deb.dpkg.DpkgDatabase;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.Checkout;
import org.aptostree.ostree.repo.CheckoutIndex;
import org.aptostree.ostree.repo.CommitBuilder;
import org.aptostree.ostree.repo.CommitModifier;
import org.aptostree.ostree.repo.ObjectInserter;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.repo.TempPaths;
import org.aptostree.ostree.repo.TreeWriter;
import org.aptostree.ostree.sysroot.Deployer;
import org.aptostree.ostree.sysroot.EffectiveUser;

/**
 * The tree the pipeline's stages work on, in a staging directory that {@link #close} removes: the root packages
 * are unpacked into and scripts run in, and the owners of its files ({@link OwnershipTable}, since the disk's owners
 * are the builder's). A compose starts it empty. Layering starts it from a base commit, checked out as hard links
 * to the base's objects in the layout packages expect ({@link OstreeLayout#restoreWorkingLayout}); then scripts
 * run under an {@link Overlay} (or, without root, on a checkout of copies), the owners the build does not set come
 * from the base, and the commit reads only what changed since the checkout ({@link CheckoutIndex}).
 */
final class BuildRoot implements Closeable {
    /** The system property that has {@link #commit} check the commit against a whole read of the tree. */
    static final String CHECK_INCREMENTAL = "aptostree.checkIncrementalCommit";

    private final Path staging;
    private final Path root;
    private final OwnershipTable owners = new OwnershipTable();
    private final Optional<BaseTree> base;
    /** What the checkout of the base made; null for an empty tree. */
    private final CheckoutIndex index;
    private final boolean overlay;
    private DpkgDatabase database;

    private BuildRoot(Path staging, Optional<BaseTree> base, CheckoutIndex index, boolean overlay) {
        this.staging = staging;
        this.root = staging.resolve("root");
        this.base = base;
        this.index = index;
        this.overlay = overlay;
    }

    /** An empty tree in a new directory below {@code workDirectory}, for a compose. */
    static BuildRoot empty(Path workDirectory) throws IOException {
        BuildRoot b = new BuildRoot(TempPaths.createDirectory(Files.createDirectories(workDirectory), "compose-"),
                Optional.empty(), null, false);
        Files.createDirectory(b.root);
        return b;
    }

    /**
     * The tree of {@code commit} in a new directory below {@code workDirectory} (which must be on the file system
     * of the repository for the links), ready for packages and their scripts.
     */
    static BuildRoot fromCommit(Repository repo, ObjectId commit, Path workDirectory) throws IOException, OstreeFormatException {
        boolean privileged = EffectiveUser.isRoot();
        CheckoutIndex index = new CheckoutIndex();
        Deployer.createTreeDirectory(workDirectory);
        BuildRoot b = new BuildRoot(TempPaths.createDirectory(workDirectory, "layer-"),
                Optional.of(new BaseTree(repo, commit)), privileged ? index : null, privileged);
        try {
            // Without root there is no overlay to shield linked objects from scripts, which would also change copies in
            // place where the index cannot see it: the checkout is of copies, and the commit reads all of it.
            Checkout checkout = new Checkout(repo).copies(!privileged);
            if (privileged) {
                checkout.recordInto(index);
            }
            checkout.checkout(commit, b.root);
            OstreeLayout.restoreWorkingLayout(b.root, b.owners);
            b.database = DpkgDatabase.open(b.root, false).readFileLists();
            return b;
        } catch (IOException | OstreeFormatException | RuntimeException e) {
            b.close();
            throw e;
        }
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

    /**
     * The dpkg database: a new one for an empty tree; for a tree built on a commit, the base's own, opened with its
     * file lists read as soon as the tree was checked out.
     */
    DpkgDatabase database() throws IOException {
        if (database == null) {
            database = DpkgDatabase.create(root, false);
        }
        return database;
    }

    /** A sandbox for the tree's scripts, with {@code SOURCE_DATE_EPOCH} set to {@code sourceDateEpoch}. */
    Sandbox sandbox(long sourceDateEpoch) throws IOException {
        Overlay o = overlay ? new Overlay(root, Files.createDirectories(staging.resolve("overlay"))) : null;
        return new Sandbox(root, staging.resolve("run"), sourceDateEpoch, o);
    }

    /**
     * How the tree is committed: owners from the table, else from the base (for what the build changed of it),
     * else root; what is still as the base's checkout made it keeps its checksums, except where the table says
     * otherwise. Moving files into the repository is allowed, the tree being scratch.
     */
    private CommitModifier commitModifier() {
        CommitModifier m = CommitModifier.NONE
                .withOwnerFilter((path, uid, gid) -> owners.known(path).or(() -> base.flatMap(b -> b.owner(path)))
                        .orElse(new int[] {0, 0}))
                .withConsume(true);
        if (index == null) {
            return m;
        }
        owners.paths().forEach(index::markChanged);
        return m.withCheckoutIndex(index);
    }

    /**
     * Commits the tree with {@link #commitModifier}. With the system property {@value #CHECK_INCREMENTAL} set (the
     * tests set it), a tree built on a base is first also read whole, without its checkout's index, and the commit
     * must be that tree: what the index let the commit skip is checked on every layering the tests make.
     */
    ObjectId commit(Repository repo, CommitBuilder builder) throws IOException, OstreeFormatException {
        CommitModifier modifier = commitModifier();
        TreeWriter.Root whole = null;
        if (index != null && Boolean.getBoolean(CHECK_INCREMENTAL)) {
            try (ObjectInserter inserter = repo.newInserter();
                    TreeWriter writer = new TreeWriter(repo, inserter, modifier.withCheckoutIndex(null).withConsume(false))) {
                whole = writer.writeDirectory(root);
                inserter.commit();
            }
        }
        ObjectId commit = builder.modifier(modifier).commitDirectory(root);
        if (whole != null) {
            Commit c = repo.readCommit(commit);
            if (!c.rootTree().equals(whole.tree()) || !c.rootMeta().equals(whole.meta())) {
                throw new IllegalStateException("the commit " + commit + " of " + root + " has the tree " + c.rootTree() + "/"
                        + c.rootMeta() + ", but reading all of it gives " + whole.tree() + "/" + whole.meta());
            }
        }
        return commit;
    }

    /**
     * Takes the tree out of the staging directory, for a deployment of what was committed from it: the tree moves
     * to a new directory beside the staging one, with the links to the base's objects it kept.
     */
    Deployer.PreparedTree takeTree() throws IOException {
        Path kept = TempPaths.createDirectory(staging.getParent(), "tree-");
        Path tree = kept.resolve("root");
        Files.move(root, tree, StandardCopyOption.ATOMIC_MOVE);
        return new Deployer.PreparedTree(tree, index != null ? index : new CheckoutIndex());
    }

    @Override
    public void close() throws IOException {
        if (Files.isDirectory(staging)) {
            OstreeLayout.emptyDirectory(staging);
            Files.delete(staging);
        }
    }
}
