package org.aptostree.ostree.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.aptostree.ostree.object.DirMeta;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.FileHeader;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectName;
import org.aptostree.ostree.object.ObjectType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Corruption is reported by object name: flipped bits, truncation, misnamed and missing objects. */
class FsckTest {
    @TempDir
    Path dir;

    private Repository repo;
    private ObjectId content;
    private ObjectId commit;

    private void setUp(RepoMode mode) throws Exception {
        repo = Repository.init(dir.resolve("repo"), mode);
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("sub"));
        Files.writeString(tree.resolve("file"), "some content that is long enough to compress\n".repeat(20));
        Files.writeString(tree.resolve("sub/other"), "other\n");
        commit = new CommitBuilder(repo).branch("main").timestamp(0).commitDirectory(tree);
        content = FileHeader.regular((Integer) Files.getAttribute(tree.resolve("file"), "unix:uid"),
                (Integer) Files.getAttribute(tree.resolve("file"), "unix:gid"),
                (Integer) Files.getAttribute(tree.resolve("file"), "unix:mode"), List.of())
                .checksum(new ByteArrayInputStream(Files.readAllBytes(tree.resolve("file"))));
        assertTrue(new Fsck(repo).run(false).ok());
    }

    private List<ObjectName> problems() throws Exception {
        return new Fsck(repo).run(false).problems().stream().map(Fsck.Problem::object).toList();
    }

    @ParameterizedTest
    @EnumSource(value = RepoMode.class, names = {"ARCHIVE", "BARE_USER", "BARE_USER_ONLY"})
    void flippedBitInContent(RepoMode mode) throws Exception {
        setUp(mode);
        Path p = repo.objectPath(content, ObjectType.FILE);
        byte[] b = Files.readAllBytes(p);
        b[b.length - 3] ^= 0x10;
        Files.setAttribute(p, "unix:mode", 0644);
        Files.write(p, b);
        assertEquals(List.of(new ObjectName(content, ObjectType.FILE)), problems());
    }

    @ParameterizedTest
    @EnumSource(value = RepoMode.class, names = {"ARCHIVE", "BARE_USER"})
    void truncatedContent(RepoMode mode) throws Exception {
        setUp(mode);
        Path p = repo.objectPath(content, ObjectType.FILE);
        byte[] b = Files.readAllBytes(p);
        Files.setAttribute(p, "unix:mode", 0644);
        Files.write(p, java.util.Arrays.copyOf(b, b.length / 2));
        assertEquals(List.of(new ObjectName(content, ObjectType.FILE)), problems());
    }

    @ParameterizedTest
    @EnumSource(value = RepoMode.class, names = {"ARCHIVE", "BARE_USER"})
    void corruptAndMisnamedMetadata(RepoMode mode) throws Exception {
        setUp(mode);
        DirTree root = repo.readDirTree(repo.readCommit(commit).rootTree());
        ObjectId subTree = root.dirs().get(0).tree();
        Path p = repo.objectPath(subTree, ObjectType.DIR_TREE);
        // Misnamed: the bytes of another valid object under this name.
        Files.write(p, new DirMeta(0, 0, 040755, List.of()).encode());
        assertEquals(List.of(new ObjectName(subTree, ObjectType.DIR_TREE)), problems());
    }

    @ParameterizedTest
    @EnumSource(value = RepoMode.class, names = {"ARCHIVE"})
    void missingObjectAndDelete(RepoMode mode) throws Exception {
        setUp(mode);
        Files.delete(repo.objectPath(content, ObjectType.FILE));
        Fsck.Report report = new Fsck(repo).run(false);
        assertEquals(1, report.problems().size());
        assertTrue(report.problems().get(0).missing());
        assertTrue(report.problems().get(0).toString().startsWith("Object missing: " + content + ".file"));

        Path commitFile = repo.objectPath(commit, ObjectType.COMMIT);
        Files.write(commitFile, "garbage".getBytes(StandardCharsets.US_ASCII));
        new Fsck(repo).run(true);
        assertTrue(Files.notExists(commitFile), "--delete removes the corrupt commit");
    }
}
