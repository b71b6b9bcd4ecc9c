package org.aptostree.ostree.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.aptostree.fixtures.tree.FileTree;
import org.aptostree.fixtures.tree.FileTrees;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.testkit.Requirements;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * A checkout over an existing tree ({@link Checkout#reusing}) ends exactly as ostree's own checkout into an empty
 * directory: the same names, types, modes, owners, contents and xattrs, and the same files linked to the same
 * objects (the inode of every non-empty file and symlink is its object's), whatever the tree held before.
 */
class CheckoutReuseTest {

    @BeforeProperty
    void requirements() {
        Requirements.tool("ostree");
        Requirements.root();
    }

    /** The layering case: a checkout changed in places, committed, and checked out over itself. */
    @Property(tries = 10)
    void aChangedCheckoutCommittedAndCheckedOutOverItselfIsAFreshCheckout(@ForAll("trees") FileTree base,
            @ForAll("trees") FileTree added) throws Exception {
        Path work = Files.createTempDirectory("reuse");
        try {
            Recorded recorded = recordedCheckout(work, base);
            Repository repo = recorded.repo();
            CheckoutIndex index = recorded.index();
            Path tree = recorded.tree();
            // Changes as a build makes them: new files and directories, one entry of the base gone, one replaced.
            added.writeWithOwners(tree.resolve("added"));
            List<Path> top = list(tree);
            if (top.size() > 2) {
                Trees.deleteTree(top.get(0));
                Path replaced = top.get(1);
                Trees.deleteTree(replaced);
                Files.writeString(replaced, "replaced");
            }
            ObjectId commit = new CommitBuilder(repo).branch("layered").timestamp(0)
                    .modifier(CommitModifier.NONE.withCheckoutIndex(index)).commitDirectory(tree);

            new Checkout(repo).reusing(index).checkout(commit, tree);

            assertSameAsOstreeCheckout(repo, commit, tree, work.resolve("fresh"));
        } finally {
            Trees.deleteTree(work);
        }
    }

    /**
     * A checkout recorded in an index, changed in any way that does not write in place (at once, within the clock tick
     * of the checkout's end, where change times cannot tell), commits to exactly what a commit reading all of it makes,
     * and a checkout of that commit over it, changed again or not, is a fresh checkout.
     */
    @Property(tries = 50)
    void aRecordedCheckoutChangedAnyWayCommitsAsAWholeReadAndChecksOutAsFresh(@ForAll("trees") FileTree base,
            @ForAll("changes") List<Change> changes, @ForAll boolean ownerOverride, @ForAll("changes") List<Change> afterCommit)
            throws Exception {
        Path work = Files.createTempDirectory("reuse");
        try {
            Recorded recorded = recordedCheckout(work, base);
            Repository repo = recorded.repo();
            CheckoutIndex index = recorded.index();
            Path tree = recorded.tree();
            for (Change c : changes) {
                c.apply(tree);
            }
            // An owner table's kind of change, which the disk does not show: one path committed with another owner.
            List<Path> all = entries(tree);
            String overridden = ownerOverride && !all.isEmpty() ? "/" + tree.relativize(all.get(all.size() / 2)) : null;
            CommitModifier.OwnerFilter filter = (path, uid, gid) -> path.equals(overridden) ? new int[] {4242, 4242} : new int[] {uid, gid};
            if (overridden != null) {
                index.markChanged(overridden);
            }

            ObjectId whole = new CommitBuilder(repo).branch("whole").timestamp(0)
                    .modifier(CommitModifier.NONE.withOwnerFilter(filter)).commitDirectory(tree);
            ObjectId incremental = new CommitBuilder(repo).branch("incremental").timestamp(0)
                    .modifier(CommitModifier.NONE.withOwnerFilter(filter).withCheckoutIndex(index)).commitDirectory(tree);
            assertEquals(repo.readCommit(whole).rootTree(), repo.readCommit(incremental).rootTree(), "changes " + changes);
            assertEquals(repo.readCommit(whole).rootMeta(), repo.readCommit(incremental).rootMeta(), "changes " + changes);

            // What the commit read is taken as it is only where nothing changed since.
            for (Change c : afterCommit) {
                c.apply(tree);
            }
            new Checkout(repo).reusing(index).checkout(incremental, tree);
            assertSameAsOstreeCheckout(repo, incremental, tree, work.resolve("fresh"));
        } finally {
            Trees.deleteTree(work);
        }
    }

    /** Nothing is assumed of the tree: a checkout of an unrelated commit over it is a fresh checkout too. */
    @Property(tries = 10)
    void aCheckoutOverAnUnrelatedTreeIsAFreshCheckout(@ForAll("trees") FileTree before, @ForAll("trees") FileTree after)
            throws Exception {
        Path work = Files.createTempDirectory("reuse");
        try {
            Repository repo = Repository.init(work.resolve("repo"), RepoMode.BARE);
            before.writeWithOwners(work.resolve("before"));
            after.writeWithOwners(work.resolve("after"));
            ObjectId first = new CommitBuilder(repo).branch("before").timestamp(0).commitDirectory(work.resolve("before"));
            ObjectId second = new CommitBuilder(repo).branch("after").timestamp(0).commitDirectory(work.resolve("after"));
            CheckoutIndex index = new CheckoutIndex();
            Path tree = work.resolve("tree");
            new Checkout(repo).recordInto(index).checkout(first, tree);

            new Checkout(repo).reusing(index).checkout(second, tree);

            assertSameAsOstreeCheckout(repo, second, tree, work.resolve("fresh"));
        } finally {
            Trees.deleteTree(work);
        }
    }

    /** A bare repository in {@code work} with {@code base} committed, and its checkout recorded in an index. */
    private record Recorded(Repository repo, Path tree, CheckoutIndex index) {
    }

    private static Recorded recordedCheckout(Path work, FileTree base) throws Exception {
        Repository repo = Repository.init(work.resolve("repo"), RepoMode.BARE);
        Path source = work.resolve("source");
        base.writeWithOwners(source);
        ObjectId baseCommit = new CommitBuilder(repo).branch("base").timestamp(0).commitDirectory(source);
        CheckoutIndex index = new CheckoutIndex();
        Path tree = work.resolve("tree");
        new Checkout(repo).recordInto(index).checkout(baseCommit, tree);
        return new Recorded(repo, tree, index);
    }

    private static void assertSameAsOstreeCheckout(Repository repo, ObjectId commit, Path tree, Path fresh) throws Exception {
        RealOstree.run("checkout", "--repo=" + repo.path(), commit.hex(), fresh.toString());
        List<String> expected = Trees.listingWithOwners(fresh);
        List<String> actual = Trees.listingWithOwners(tree);
        // The roots differ only in what the caller made of them (the destination's own name).
        assertEquals(expected.subList(1, expected.size()), actual.subList(1, actual.size()));
        assertEquals(linksAndXattrs(fresh), linksAndXattrs(tree));
    }

    /** Per path: the inode of a linked entry (an object's), or "copy"; the xattrs of files and directories. */
    private static List<String> linksAndXattrs(Path root) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                if (p.equals(root)) {
                    continue;
                }
                Map<String, Object> a = Files.readAttributes(p, "unix:ino,nlink,size", LinkOption.NOFOLLOW_LINKS);
                String rel = root.relativize(p).toString();
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    lines.add(rel + " " + FileXattrs.read(p));
                } else if (Files.isSymbolicLink(p)) {
                    lines.add(rel + " " + a.get("ino"));
                } else {
                    lines.add(rel + " " + ((Long) a.get("size") == 0 ? "copy" : a.get("ino")) + " " + FileXattrs.read(p));
                }
            }
        }
        return lines;
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().equals("added")).sorted().toList();
        }
    }

    @Provide
    Arbitrary<FileTree> trees() {
        return FileTrees.trees();
    }

    @Provide
    Arbitrary<List<Change>> changes() {
        return Combinators.combine(Arbitraries.of(Change.Kind.class), Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(0, 1000)).as(Change::new).list().ofMaxSize(6);
    }

    /**
     * A change as a build makes them, never writing into an existing file: on entries picked by their rank in the
     * tree (directories for the kinds that change one).
     */
    record Change(Kind kind, int pick, int other) {
        enum Kind { ADD_FILE, ADD_DIRECTORY, DELETE, REPLACE_FILE, RENAME_DIRECTORY, MOVE_DIRECTORY, CHMOD_DIRECTORY,
            CHOWN_DIRECTORY, XATTR_DIRECTORY }

        void apply(Path root) throws IOException {
            List<Path> dirs = new ArrayList<>(List.of(root));
            List<Path> files = new ArrayList<>();
            for (Path p : entries(root)) {
                (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? dirs : files).add(p);
            }
            Path dir = dirs.get(pick % dirs.size());
            String name = "new-" + kind.ordinal() + "-" + other;
            switch (kind) {
                case ADD_FILE -> Files.writeString(dir.resolve(name), "added " + other);
                case ADD_DIRECTORY -> Files.writeString(Files.createDirectories(dir.resolve(name).resolve("inner")).resolve("f"), name);
                case DELETE -> {
                    List<Path> all = entries(root);
                    if (!all.isEmpty()) {
                        Trees.deleteTree(all.get(pick % all.size()));
                    }
                }
                case REPLACE_FILE -> {
                    if (!files.isEmpty()) {
                        Path target = files.get(pick % files.size());
                        Path staged = Files.writeString(target.resolveSibling(".staged"), "replaced " + other);
                        Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    }
                }
                case RENAME_DIRECTORY -> {
                    if (!dir.equals(root)) {
                        Files.move(dir, dir.resolveSibling(name));
                    }
                }
                case MOVE_DIRECTORY -> {
                    Path into = dirs.get(other % dirs.size());
                    if (!dir.equals(root) && !into.startsWith(dir)) {
                        Files.move(dir, into.resolve(name));
                    }
                }
                case CHMOD_DIRECTORY -> Files.setAttribute(dir, "unix:mode",
                        ((Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS) ^ 0005) & 07777 | 0700);
                case CHOWN_DIRECTORY -> Files.setAttribute(dir, "unix:uid", 1000 + other, LinkOption.NOFOLLOW_LINKS);
                case XATTR_DIRECTORY -> Files.getFileAttributeView(dir, UserDefinedFileAttributeView.class)
                        .write("changed", ByteBuffer.wrap(name.getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    /** Every entry below {@code root}, in a stable order. */
    private static List<Path> entries(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root)).sorted().toList();
        }
    }
}
