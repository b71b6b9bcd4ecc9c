package org.aptostree.ostree.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
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
    void tarCommitsMatchOstree(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) throws Exception {
        Path work = Files.createTempDirectory("tar");
        try {
            Path tree = work.resolve("tree");
            new RandomTree(seed).write(tree, false);
            Path tar = work.resolve("tree.tar");
            // Owners 1234/5678 on disk would need root; in the tar they are just numbers.
            Process p = new ProcessBuilder("tar", "--numeric-owner", "--owner=1234", "--group=5678", "-C", tree.toString(),
                    "-cf", tar.toString(), ".").inheritIO().start();
            assertEquals(0, p.waitFor());

            Repository ours = Repository.init(work.resolve("ours"), RepoMode.ARCHIVE);
            ObjectId ourCommit;
            try (InputStream in = Files.newInputStream(tar)) {
                ourCommit = new CommitBuilder(ours).branch("t").timestamp(0).commitTar(in);
            }
            Path theirs = work.resolve("theirs");
            RealOstree.run("init", "--repo=" + theirs, "--mode=archive");
            String theirCommit = RealOstree.run("commit", "--repo=" + theirs, "-b", "t", "--timestamp=@0",
                    "--tree=tar=" + tar).strip();
            assertEquals(theirCommit, ourCommit.hex(), "seed " + seed);
        } finally {
            Trees.deleteTree(work);
        }
    }

    @Test
    void refusesPathsEscapingTheRoot() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(buf)) {
            TarArchiveEntry e = new TarArchiveEntry("./a/../../etc/passwd");
            e.setSize(1);
            out.putArchiveEntry(e);
            out.write('x');
            out.closeArchiveEntry();
        }
        Repository repo = Repository.init(dir.resolve("repo"), RepoMode.ARCHIVE);
        OstreeFormatException ex = assertThrows(OstreeFormatException.class,
                () -> new CommitBuilder(repo).branch("t").commitTar(new ByteArrayInputStream(buf.toByteArray())));
        assertEquals("tar member './a/../../etc/passwd' escapes the root with '..'", ex.getMessage());
        assertEquals(java.util.Map.of(), repo.refs().listLocal());
    }
}
