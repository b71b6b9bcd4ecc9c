package org.aptostree.ostree.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import org.aptostree.fixtures.tree.FileTree;
import org.aptostree.fixtures.tree.FileTrees;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Our repositories and the real ostree's (Debian's ostree 2022.7) are interchangeable: same commit checksums
 * for the same trees and options, each tool's fsck accepts the other's repository, and checkouts match.
 */
class OstreeInteropTest {
    private static final String TIMESTAMP = "1577836800";

    @BeforeEach
    @BeforeProperty
    void requireOstree() {
        Requirements.tool("ostree");
    }

    @Property(tries = 12)
    void archiveCommitsMatchOstree(@ForAll("trees") FileTree generated) throws Exception {
        checkAgainstOstree(generated, RepoMode.ARCHIVE);
    }

    @Property(tries = 12)
    void bareUserCommitsMatchOstree(@ForAll("trees") FileTree generated) throws Exception {
        checkAgainstOstree(generated, RepoMode.BARE_USER);
    }

    @Property(tries = 6)
    void bareUserOnlyCommitsMatchOstree(@ForAll("trees") FileTree generated) throws Exception {
        checkAgainstOstree(generated, RepoMode.BARE_USER_ONLY);
    }

    /** bare mode stores real owners, so it needs root, as with ostree. */
    @Property(tries = 6)
    void bareCommitsMatchOstreeAsRoot(@ForAll("trees") FileTree generated) throws Exception {
        Requirements.root();
        Path work = Files.createTempDirectory("interop-bare");
        try {
            Path tree = work.resolve("tree");
            generated.writeWithOwners(tree);
            Repository ours = Repository.init(work.resolve("ours"), RepoMode.BARE);
            ObjectId ourCommit = new CommitBuilder(ours).branch("b").timestamp(0).commitDirectory(tree);
            Path theirs = work.resolve("theirs");
            RealOstree.run("init", "--repo=" + theirs, "--mode=bare");
            String theirCommit = RealOstree.run("commit", "--repo=" + theirs, "-b", "b", "--timestamp=@0",
                    "--tree=dir=" + tree).strip();
            assertEquals(theirCommit, ourCommit.hex(), "bare commit checksum");
            RealOstree.run("fsck", "--repo=" + ours.path());
            // A full (not user-mode) checkout restores owners, modes and setuid bits, hardlinked or not.
            Path co = work.resolve("co");
            new Checkout(ours).checkout(ourCommit, co);
            List<String> source = Trees.listingWithOwners(tree);
            List<String> checkedOut = Trees.listingWithOwners(co);
            assertEquals(source.subList(1, source.size()), checkedOut.subList(1, checkedOut.size()));
            Repository archive = Repository.init(work.resolve("archive"), RepoMode.ARCHIVE);
            try (var src = new org.aptostree.ostree.pull.LocalSource(ours)) {
                new org.aptostree.ostree.pull.Puller(archive, src).pull(List.of("b"), r -> r);
            }
            Path co2 = work.resolve("co2");
            new Checkout(archive).checkout(ourCommit, co2);
            assertEquals(checkedOut, Trees.listingWithOwners(co2), "an archive copy checks out the same");
        } finally {
            Trees.deleteTree(work);
        }
    }

    /**
     * A user-mode checkout as ostree -U makes it: setuid and setgid dropped from files, a directory's setgid kept;
     * also when the destination is on another file system, where files are copied rather than linked.
     */
    @Test
    void userModeCheckoutKeepsDirectorySetgidAndCopiesAcrossFileSystems() throws Exception {
        Path work = Files.createTempDirectory("interop-mode");
        Path shm = Path.of("/dev/shm");
        Path elsewhere = Files.isDirectory(shm) && !Files.getFileStore(shm).equals(Files.getFileStore(work))
                ? Files.createTempDirectory(shm, "interop-mode") : null;
        try {
            Path tree = work.resolve("tree");
            Files.createDirectories(tree.resolve("mail"));
            Files.setAttribute(tree.resolve("mail"), "unix:mode", 02775);
            Files.writeString(tree.resolve("mail/tool"), "x");
            Files.setAttribute(tree.resolve("mail/tool"), "unix:mode", 04755);
            Repository repo = Repository.init(work.resolve("repo"), RepoMode.BARE_USER);
            ObjectId commit = new CommitBuilder(repo).branch("test/ref").timestamp(0).commitDirectory(tree);
            List<Path> destinations = new java.util.ArrayList<>(List.of(work));
            if (elsewhere != null) {
                destinations.add(elsewhere);
            }
            for (Path dest : destinations) {
                Path theirs = dest.resolve("co-ostree");
                RealOstree.run("checkout", "--repo=" + repo.path(), "-U", "test/ref", theirs.toString());
                Path ours = dest.resolve("co-ours");
                new Checkout(repo).userMode(true).checkout(commit, ours);
                assertEquals(Trees.listing(theirs, true), Trees.listing(ours, true), "checkout -U into " + dest);
            }
        } finally {
            Trees.deleteTree(work);
            if (elsewhere != null) {
                Trees.deleteTree(elsewhere);
            }
        }
    }

    private void checkAgainstOstree(FileTree generated, RepoMode mode) throws Exception {
        Path work = Files.createTempDirectory("interop");
        try {
            Path tree = work.resolve("tree");
            generated.write(tree);

            Repository ours = Repository.init(work.resolve("ours"), mode);
            ObjectId ourCommit = new CommitBuilder(ours).branch("test/ref").subject("s " + generated.size()).body("b")
                    .timestamp(Long.parseLong(TIMESTAMP))
                    .modifier(CommitModifier.NONE.withOwner(OptionalInt.of(0), OptionalInt.of(0)))
                    .commitDirectory(tree);

            Path theirs = work.resolve("theirs");
            RealOstree.run("init", "--repo=" + theirs, "--mode=" + mode.configName());
            String theirCommit = RealOstree.run("commit", "--repo=" + theirs, "-b", "test/ref", "-s", "s " + generated.size(),
                    "--body=b", "--timestamp=@" + TIMESTAMP, "--owner-uid=0", "--owner-gid=0", "--tree=dir=" + tree).strip();
            assertEquals(theirCommit, ourCommit.hex(), "commit checksum");

            // Each tool accepts the other's repository.
            RealOstree.run("fsck", "--repo=" + ours.path());
            Repository theirRepo = Repository.open(theirs);
            assertEquals(List.of(), new Fsck(theirRepo).run(false).problems());

            // ostree's checkout of our repository, our checkout of theirs and the source tree agree.
            Path theirCheckout = work.resolve("co-ostree");
            RealOstree.run("checkout", "--repo=" + ours.path(), "-U", "test/ref", theirCheckout.toString());
            Path ourCheckout = work.resolve("co-ours");
            new Checkout(theirRepo).userMode(true).checkout(theirRepo.resolveRev("test/ref"), ourCheckout);
            List<String> expected = Trees.listing(theirCheckout, true);
            assertEquals(expected, Trees.listing(ourCheckout, true));
            assertEquals(Trees.listing(tree, false), Trees.listing(ourCheckout, false));
        } finally {
            Trees.deleteTree(work);
        }
    }

    @Provide
    Arbitrary<FileTree> trees() {
        return FileTrees.trees();
    }
}
