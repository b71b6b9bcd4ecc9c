package org.aptostree.ostree.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.aptostree.fixtures.hostile.HostileArchive;
import org.aptostree.fixtures.tar.HostileTars;
import org.aptostree.fixtures.tree.FileTree;
import org.aptostree.fixtures.tree.FileTrees;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.lifecycle.BeforeProperty;

/** Committing a tar stream gives the same commit as ostree's {@code --tree=tar=}, owners taken from the headers. */
class TarCommitTest {
    @TempDir
    Path dir;

    @BeforeEach
    @BeforeProperty
    void requireOstree() {
        Requirements.tools("ostree", "tar");
    }

    @Property(tries = 8)
    void tarCommitsMatchOstree(@ForAll("treesWithoutXattrs") FileTree generated) throws Exception {
        Path work = Files.createTempDirectory("tar");
        try {
            Path tree = work.resolve("tree");
            generated.write(tree);
            Path tar = work.resolve("tree.tar");
            // Owners 1234/5678 on disk would need root; in the tar they are just numbers.
            Process p = new ProcessBuilder("tar", "--numeric-owner", "--owner=1234", "--group=5678", "-C", tree.toString(),
                    "-cf", tar.toString(), ".").inheritIO().start();
            assertEquals(0, p.waitFor());

            Repository ours = Repository.init(work.resolve("ours"), RepoMode.ARCHIVE);
            ObjectId ourCommit = commitTar(ours, tar);
            Path theirs = work.resolve("theirs");
            RealOstree.run("init", "--repo=" + theirs, "--mode=archive");
            String theirCommit = RealOstree.run("commit", "--repo=" + theirs, "-b", "t", "--timestamp=@0",
                    "--tree=tar=" + tar).strip();
            assertEquals(theirCommit, ourCommit.hex());
        } finally {
            Trees.deleteTree(work);
        }
    }

    /**
     * Pax tars carrying xattrs in every form libarchive reads (empty and binary values, many per member, on
     * directories and symlinks, unsorted, as SCHILY or LIBARCHIVE records) commit as with ostree in each mode that
     * keeps xattrs in the object store or drops them; each tool's fsck accepts the other's repository.
     */
    @Property(tries = 10)
    void paxTarsWithXattrsCommitAsWithOstree(@ForAll("trees") FileTree generated,
            @ForAll @LongRange(min = 1, max = 1_000_000) long seed) throws Exception {
        Path work = Files.createTempDirectory("pax");
        try {
            Path tree = work.resolve("tree");
            generated.write(tree);
            Path tar = work.resolve("tree.tar");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tar))) {
                PaxTar.write(tree, generated.symlinkXattrs(), 1234, 5678, new Random(seed), out);
            }
            for (RepoMode mode : List.of(RepoMode.ARCHIVE, RepoMode.BARE_USER, RepoMode.BARE_USER_ONLY)) {
                Repository ours = Repository.init(work.resolve("ours-" + mode.configName()), mode);
                ObjectId ourCommit = commitTar(ours, tar);
                Path theirs = work.resolve("theirs-" + mode.configName());
                RealOstree.run("init", "--repo=" + theirs, "--mode=" + mode.configName());
                String theirCommit = RealOstree.run("commit", "--repo=" + theirs, "-b", "t", "--timestamp=@0",
                        "--tree=tar=" + tar).strip();
                assertEquals(theirCommit, ourCommit.hex(), mode + " commit");
                RealOstree.run("fsck", "--repo=" + ours.path());
                assertEquals(List.of(), new Fsck(Repository.open(theirs)).run(false).problems(), mode.toString());
            }
        } finally {
            Trees.deleteTree(work);
        }
    }

    /**
     * A bare repository stores a file's empty xattr on the object, but reading it back leaves it out, so the
     * object no longer hashes to its name: ostree's fsck reports it, and so must ours, on either tool's repository.
     */
    @Test
    void bareObjectWithEmptyXattrFailsFsckAsInOstree() throws Exception {
        Requirements.root();
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree);
        Files.writeString(tree.resolve("plain"), "plain\n");
        Files.writeString(tree.resolve("flagged"), "flagged\n");
        Files.getFileAttributeView(tree.resolve("flagged"), java.nio.file.attribute.UserDefinedFileAttributeView.class)
                .write("empty", java.nio.ByteBuffer.allocate(0));
        Path tar = dir.resolve("tree.tar");
        try (OutputStream out = Files.newOutputStream(tar)) {
            PaxTar.write(tree, java.util.Map.of(), 0, 0, new Random(1), out);
        }
        Repository ours = Repository.init(dir.resolve("ours"), RepoMode.BARE);
        ObjectId ourCommit = commitTar(ours, tar);
        Path theirs = dir.resolve("theirs");
        RealOstree.run("init", "--repo=" + theirs, "--mode=bare");
        assertEquals(RealOstree.run("commit", "--repo=" + theirs, "-b", "t", "--timestamp=@0", "--tree=tar=" + tar).strip(),
                ourCommit.hex());
        ObjectId flagged = ((TreeEntry.File) ours.lookup(ourCommit, "/flagged").orElseThrow()).content();
        for (Path repo : List.of(ours.path(), theirs)) {
            IOException ostreeFsck = assertThrows(IOException.class, () -> RealOstree.run("fsck", "--repo=" + repo));
            assertTrue(ostreeFsck.getMessage().contains("fsck content object " + flagged.hex() + ": Corrupted file object"),
                    ostreeFsck.getMessage());
            List<Fsck.Problem> problems = new Fsck(Repository.open(repo)).run(false).problems();
            assertEquals(List.of(flagged), problems.stream().map(p -> p.object().id()).toList(), repo.toString());
        }
    }

    private static ObjectId commitTar(Repository repo, Path tar) throws Exception {
        try (InputStream in = Files.newInputStream(tar)) {
            return new CommitBuilder(repo).branch("t").timestamp(0).commitTar(in);
        }
    }

    /** Members that climb out with '..' (fixtures' hostile tars) are refused by name, and no ref is made. */
    @Property(tries = 30)
    void refusesPathsEscapingTheRoot(@ForAll("dotDot") HostileArchive tar) throws Exception {
        Path work = Files.createTempDirectory("tar-escape");
        try {
            Repository repo = Repository.init(work.resolve("repo"), RepoMode.ARCHIVE);
            OstreeFormatException ex = assertThrows(OstreeFormatException.class,
                    () -> new CommitBuilder(repo).branch("t").commitTar(new ByteArrayInputStream(tar.bytes())));
            assertEquals("tar member '" + tar.offending() + "' escapes the root with '..'", ex.getMessage());
            assertEquals(java.util.Map.of(), repo.refs().listLocal());
        } finally {
            Trees.deleteTree(work);
        }
    }

    /** A tar cut inside a header or inside data is a format error, and no ref is made. */
    @Property(tries = 30)
    void refusesTruncatedTars(@ForAll("truncated") HostileArchive tar) throws Exception {
        Path work = Files.createTempDirectory("tar-truncated");
        try {
            Repository repo = Repository.init(work.resolve("repo"), RepoMode.ARCHIVE);
            assertThrows(OstreeFormatException.class,
                    () -> new CommitBuilder(repo).branch("t").commitTar(new ByteArrayInputStream(tar.bytes())), tar.toString());
            assertEquals(java.util.Map.of(), repo.refs().listLocal());
        } finally {
            Trees.deleteTree(work);
        }
    }

    /**
     * A member too large to be buffered (it streams into the repository) cut short, mid-block or at a block's end, is a
     * format error too, not the tar reader's bare IOException (fuzz input tarCommit/truncated-large-member).
     */
    @Test
    void refusesATruncatedLargeMember() throws Exception {
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(whole)) {
            TarArchiveEntry e = new TarArchiveEntry("big");
            e.setSize(5 << 20);
            e.setMode(0100644);
            out.putArchiveEntry(e);
            out.write(new byte[5 << 20]);
            out.closeArchiveEntry();
        }
        for (int cut : new int[] {512 + (4 << 20) + 4608 + 100, 512 + (4 << 20) + 4608}) {
            Path work = Files.createTempDirectory("tar-truncated");
            try {
                Repository repo = Repository.init(work.resolve("repo"), RepoMode.ARCHIVE);
                byte[] cutShort = java.util.Arrays.copyOf(whole.toByteArray(), cut);
                OstreeFormatException ex = assertThrows(OstreeFormatException.class,
                        () -> new CommitBuilder(repo).branch("t").commitTar(new ByteArrayInputStream(cutShort)), "cut at " + cut);
                assertTrue(ex.getMessage().startsWith("tar member 'big' is truncated"), ex.getMessage());
                assertEquals(java.util.Map.of(), repo.refs().listLocal());
            } finally {
                Trees.deleteTree(work);
            }
        }
    }

    @Provide
    Arbitrary<HostileArchive> dotDot() {
        // Committing writes only objects, so no victim directory is reached; the name is only for the member paths.
        return HostileTars.dotDot("/victim");
    }

    @Provide
    Arbitrary<HostileArchive> truncated() {
        return HostileTars.truncated();
    }

    @Provide
    Arbitrary<FileTree> trees() {
        return FileTrees.trees();
    }

    @Provide
    Arbitrary<FileTree> treesWithoutXattrs() {
        return FileTrees.treesWithoutXattrs();
    }
}
