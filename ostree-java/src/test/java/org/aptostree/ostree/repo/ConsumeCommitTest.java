package org.aptostree.ostree.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.aptostree.fixtures.tree.FileTree;
import org.aptostree.fixtures.tree.FileTrees;
import org.aptostree.ostree.object.ObjectId;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Committing with CONSUME moves the tree's files into the object store and gives the same commit as copying. */
class ConsumeCommitTest {
    @Property(tries = 8)
    void consumingGivesTheSameCommitAsCopying(@ForAll("trees") FileTree generated)
            throws Exception {
        for (RepoMode mode : new RepoMode[] {RepoMode.BARE_USER, RepoMode.BARE_USER_ONLY}) {
            Path base = Files.createTempDirectory("consume-commit");
            Path tree = base.resolve("tree");
            generated.write(tree);
            // Two names of one file, and two files with the same content: both must survive the moves.
            Files.writeString(tree.resolve("same-1"), "same");
            Files.writeString(tree.resolve("same-2"), "same");
            Files.createLink(tree.resolve("linked"), tree.resolve("same-1"));
            Path copyTree = base.resolve("copy");
            assertEquals(0, new ProcessBuilder("cp", "-a", tree.toString(), copyTree.toString()).inheritIO().start().waitFor());

            Repository copied = Repository.init(base.resolve("copied"), mode);
            ObjectId expected = new CommitBuilder(copied).timestamp(0).commitDirectory(copyTree);
            Repository consumed = Repository.init(base.resolve("consumed"), mode);
            ObjectId actual = new CommitBuilder(consumed).timestamp(0).modifier(CommitModifier.NONE.withConsume(true)).commitDirectory(tree);

            assertEquals(expected, actual);
            assertTrue(new Fsck(consumed).run(false).ok());
            Trees.deleteTree(copyTree);
            // Every file was moved into the store or deleted as a duplicate, except the second name of the one inode
            // with two names here (same-1 and linked), which keeps the other name.
            try (Stream<Path> s = Files.walk(tree)) {
                java.util.List<String> left = s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                        .map(p -> tree.relativize(p).toString()).toList();
                assertTrue(left.equals(java.util.List.of("linked")) || left.equals(java.util.List.of("same-1")), left.toString());
            }
            Trees.deleteTree(base);
        }
    }

    @Provide
    Arbitrary<FileTree> trees() {
        return FileTrees.trees();
    }
}
