package org.aptostree.ostree.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.gvariant.Variant;
import org.aptostree.ostree.gvariant.VariantDict;
import org.junit.jupiter.api.Test;

/** Checksums from libostree 2022.7 ({@code ostree commit --owner-uid=0 --owner-gid=0 --no-xattrs}). */
class ObjectChecksumTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void dirmetaOfRootOwned0755() throws Exception {
        DirMeta meta = new DirMeta(0, 0, 040755, List.of());
        assertEquals("0000000000000000000041ed", HEX.formatHex(meta.encode()));
        assertEquals("446a0ef11b7cc167f3b603e585c7eeeeb675faa412d5ec73f62988eb0b6c5488", meta.checksum().hex());
        assertEquals(meta, DirMeta.decode(meta.encode()));
    }

    @Test
    void regularFileAndSymlinkChecksums() throws Exception {
        FileHeader file = FileHeader.regular(0, 0, 0644, List.of());
        assertEquals("00000012000000000000000000000000000081a40000000000" + "11", HEX.formatHex(file.checksumHeader()));
        assertEquals("44f778e59f0a4748d6b0c90a47347212a231c4ad1e8f7ea5c5dffc7749153a6b",
                file.checksum(new ByteArrayInputStream("hello\n".getBytes(StandardCharsets.US_ASCII))).hex());
        FileHeader link = FileHeader.symlink(0, 0, "hello.txt", List.of());
        assertEquals("f66efa496a72379413c44593de510dc344beb045294f1a543da87b2b6118db35",
                link.checksum(new ByteArrayInputStream(new byte[0])).hex());
    }

    @Test
    void archiveHeaderRoundTrip() throws Exception {
        FileHeader file = FileHeader.regular(0, 0, 0644, List.of(new Xattr("user.b", new byte[] {1}), new Xattr("user.a", new byte[0])));
        byte[] header = file.archiveHeader(6);
        FileHeader.Archived back = FileHeader.readArchiveHeader(new ByteArrayInputStream(header));
        assertEquals(file, back.header());
        assertEquals(6, back.size());
        // Kept in the order given: libostree hashes a tar member's xattrs as libarchive lists them, unsorted.
        assertEquals("user.b", back.header().xattrs().get(0).name());
    }

    @Test
    void emptyDirtree() {
        DirTree empty = new DirTree(List.of(), List.of());
        assertEquals("00", HEX.formatHex(empty.encode()));
        assertEquals("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", empty.checksum().hex());
    }

    @Test
    void commitOfTestVector() throws Exception {
        ObjectId hello = ObjectId.fromHex("44f778e59f0a4748d6b0c90a47347212a231c4ad1e8f7ea5c5dffc7749153a6b");
        ObjectId link = ObjectId.fromHex("f66efa496a72379413c44593de510dc344beb045294f1a543da87b2b6118db35");
        ObjectId meta = new DirMeta(0, 0, 040755, List.of()).checksum();
        ObjectId emptyTree = new DirTree(List.of(), List.of()).checksum();
        DirTree root = DirTree.sorted(
                List.of(new DirTree.FileEntry("link", link), new DirTree.FileEntry("hello.txt", hello)),
                List.of(new DirTree.DirEntry("sub", emptyTree, meta)));
        assertEquals(155, root.encode().length);
        assertEquals("0e902c3f", root.checksum().hex().substring(0, 8));
        assertEquals(root, DirTree.decode(root.encode()));
        Commit commit = new Commit(VariantDict.empty().with("ostree.ref-binding", Variant.of("as", List.of("test"))),
                Optional.empty(), "subj", "", 1577836800L, root.checksum(), meta);
        assertEquals(126, commit.encode().length);
        assertEquals("5074a731c81056b06809fac68b147d144bb3c111996827b6a4e15da1cfa779a8", commit.checksum().hex());
        Commit back = Commit.decode(commit.encode());
        assertEquals(commit, back);
    }

    @Test
    void rejectsBadDirtreeName() {
        ObjectId id = new DirTree(List.of(), List.of()).checksum();
        byte[] bad = new DirTree(List.of(new DirTree.FileEntry("a/b", id)), List.of()).encode();
        assertThrows(OstreeFormatException.class, () -> DirTree.decode(bad));
    }
}
