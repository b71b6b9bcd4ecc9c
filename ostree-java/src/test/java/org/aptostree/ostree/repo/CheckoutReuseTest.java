package org.aptostree.ostree.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.aptostree.fixtures.tree.FileTree;
import org.aptostree.fixtures.tree.FileTrees;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.testkit.Requirements;

import net.jqwik.api.Arbitrary;
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
            Repository repo = Repository.init(work.resolve("repo"), RepoMode.BARE);
            Path source = work.resolve("source");
            base.writeWithOwners(source);
            ObjectId baseCommit = new CommitBuilder(repo).branch("base").timestamp(0).commitDirectory(source);
            Map<Long, ObjectId> linked = new ConcurrentHashMap<>();
            Path tree = work.resolve("tree");
            new Checkout(repo).recordLinks(linked).checkout(baseCommit, tree);
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
                    .modifier(CommitModifier.NONE.withLinkedObjects(linked)).commitDirectory(tree);

            new Checkout(repo).reusing(linked).checkout(commit, tree);

            assertSameAsOstreeCheckout(repo, commit, tree, work.resolve("fresh"));
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
            Map<Long, ObjectId> linked = new ConcurrentHashMap<>();
            Path tree = work.resolve("tree");
            new Checkout(repo).recordLinks(linked).checkout(first, tree);

            new Checkout(repo).reusing(linked).checkout(second, tree);

            assertSameAsOstreeCheckout(repo, second, tree, work.resolve("fresh"));
        } finally {
            Trees.deleteTree(work);
        }
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
}
