package org.aptostree.deb.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.compression.Compression;
import org.aptostree.deb.unpack.Extractor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile packages are refused with a format error and nothing is written outside the root. */
class HostileDebTest {
    @TempDir
    Path tmp;
    Path root;
    Path outside;

    @BeforeEach
    void dirs() throws IOException {
        root = Files.createDirectory(tmp.resolve("root"));
        outside = Files.createDirectory(tmp.resolve("outside"));
    }

    private void extract(byte[] deb, long limit) throws IOException {
        try (DebReader r = DebReader.open(new ByteArrayInputStream(deb))) {
            new Extractor(root, new Extractor.Options(false, limit)).extractAll(r.data());
            r.finish();
        }
    }

    private DebFormatException refused(byte[] deb) {
        DebFormatException e = assertThrows(DebFormatException.class, () -> extract(deb, 1L << 30));
        assertNothingOutside();
        return e;
    }

    private void assertNothingOutside() {
        try (Stream<Path> s = Files.list(outside)) {
            assertEquals(List.of(), s.toList());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(2, s.count(), "something was created next to the root");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] deb(byte[] dataTar) throws IOException {
        return TestDebs.deb(TestDebs.minimalControlTar(), Compression.GZIP, dataTar, Compression.XZ);
    }

    @Test
    void absolutePath() throws Exception {
        byte[] d = deb(new TestDebs.Tar().file("/" + outside.resolve("abs").toString().substring(1), "x").bytes());
        assertTrue(refused(d).getMessage().contains("absolute"));
    }

    @Test
    void dotDotTraversal() throws Exception {
        byte[] d = deb(new TestDebs.Tar().dir("./usr/").file("./usr/../../outside/evil", "x").bytes());
        assertTrue(refused(d).getMessage().contains(".."));
    }

    @Test
    void fileThroughSymlink() throws Exception {
        byte[] d = deb(new TestDebs.Tar().symlink("./link", outside.toString()).file("./link/evil", "x").bytes());
        assertTrue(refused(d).getMessage().contains("symlink"));
        assertTrue(Files.isSymbolicLink(root.resolve("link")));
    }

    @Test
    void fileOverSymlinkReplacesTheLinkInsteadOfFollowingIt() throws Exception {
        byte[] d = deb(new TestDebs.Tar().symlink("./f", outside.resolve("target").toString()).file("./f", "x").bytes());
        extract(d, 1 << 20);
        assertNothingOutside();
        assertTrue(Files.isRegularFile(root.resolve("f"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void hardLinkToOutside() throws Exception {
        Files.writeString(outside.resolve("secret"), "s");
        byte[] d = deb(new TestDebs.Tar().hardlink("./h", "../outside/secret").bytes());
        DebFormatException e = assertThrows(DebFormatException.class, () -> extract(d, 1 << 20));
        assertTrue(e.getMessage().contains(".."));
        assertFalse(Files.exists(root.resolve("h")));
    }

    @Test
    void deviceNodesAndFifos() throws Exception {
        assertTrue(refused(deb(new TestDebs.Tar().device("./dev-null", TarArchiveEntry.LF_CHR).bytes())).getMessage().contains("device"));
        assertTrue(refused(deb(new TestDebs.Tar().device("./blk", TarArchiveEntry.LF_BLK).bytes())).getMessage().contains("device"));
        assertTrue(refused(deb(new TestDebs.Tar().device("./fifo", TarArchiveEntry.LF_FIFO).bytes())).getMessage().contains("FIFO"));
    }

    @Test
    void duplicateMembers() throws Exception {
        byte[] control = TestDebs.compress(TestDebs.minimalControlTar(), Compression.GZIP);
        byte[] data = TestDebs.compress(new TestDebs.Tar().file("./a", "x").bytes(), Compression.GZIP);
        Map<String, byte[]> twoData = new LinkedHashMap<>();
        twoData.put("debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
        twoData.put("control.tar.gz", control);
        twoData.put("data.tar.gz", data);
        Map<String, byte[]> withSecond = new LinkedHashMap<>(twoData);
        withSecond.put("data.tar.xz", data);
        assertTrue(refused(TestDebs.ar(withSecond)).getMessage().contains("duplicate member"));

        Map<String, byte[]> twoControl = new LinkedHashMap<>();
        twoControl.put("debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
        twoControl.put("control.tar.gz", control);
        twoControl.put("control.tar", TestDebs.minimalControlTar());
        twoControl.put("data.tar.gz", data);
        assertTrue(refused(TestDebs.ar(twoControl)).getMessage().contains("two control members"));
    }

    @Test
    void truncatedAndOversizedMembers() throws Exception {
        byte[] good = deb(new TestDebs.Tar().file("./a", new byte[100_000], 0100644).bytes());
        extract(good, 1 << 20);
        for (int cut : new int[] {7, 30, 70, good.length / 2, good.length - 3}) {
            dirs2();
            assertThrows(DebFormatException.class, () -> extract(Arrays.copyOf(good, cut), 1 << 20), "cut at " + cut);
        }
        // A member header claiming more bytes than the archive holds.
        byte[] oversized = good.clone();
        String sizeField = new String(oversized, 8 + 48, 10, StandardCharsets.US_ASCII);
        byte[] bigger = String.format("%-10d", Long.parseLong(sizeField.trim()) + 1000).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bigger, 0, oversized, 8 + 48, 10);
        dirs2();
        assertThrows(DebFormatException.class, () -> extract(oversized, 1 << 20));
    }

    private void dirs2() throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        Files.createDirectory(root);
    }

    @Test
    void badMagicAndHeaders() throws Exception {
        byte[] good = deb(new TestDebs.Tar().file("./a", "x").bytes());
        byte[] badMagic = good.clone();
        badMagic[1] = 'X';
        assertTrue(refused(badMagic).getMessage().contains("ar magic"));
        byte[] badFmag = good.clone();
        badFmag[8 + 58] = 'X';
        assertTrue(refused(badFmag).getMessage().contains("header magic"));
        byte[] badSize = good.clone();
        badSize[8 + 48] = 'z';
        assertTrue(refused(badSize).getMessage().contains("invalid character"));
        Map<String, byte[]> notDeb = new LinkedHashMap<>();
        notDeb.put("foo", new byte[] {1});
        assertTrue(refused(TestDebs.ar(notDeb)).getMessage().contains("not a Debian binary archive"));
        Map<String, byte[]> v3 = new LinkedHashMap<>();
        v3.put("debian-binary", "3.0\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(refused(TestDebs.ar(v3)).getMessage().contains("format version 3.0"));
        Map<String, byte[]> bz2Control = new LinkedHashMap<>();
        bz2Control.put("debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
        bz2Control.put("control.tar.bz2", TestDebs.compress(TestDebs.minimalControlTar(), Compression.BZIP2));
        assertTrue(refused(TestDebs.ar(bz2Control)).getMessage().contains("unknown compression"));
    }

    @Test
    void corruptTarHeaderChecksum() throws Exception {
        byte[] tar = new TestDebs.Tar().file("./a", "x").bytes();
        tar[10] ^= 1;
        assertTrue(refused(deb(tar)).getMessage().contains("checksum"));
    }

    @Test
    void decompressionBomb() throws Exception {
        // 256 MiB of zeros compress to a few hundred KiB; the cap stops it without writing it all.
        TestDebs.Tar tar = new TestDebs.Tar();
        byte[] zeros = new byte[32 << 20];
        for (int i = 0; i < 8; i++) {
            tar.file("./zero" + i, zeros, 0100644);
        }
        byte[] d = TestDebs.deb(TestDebs.minimalControlTar(), Compression.GZIP, tar.bytes(), Compression.ZSTD);
        assertTrue(d.length < 2 << 20, "bomb is " + d.length + " bytes");
        DebFormatException e = assertThrows(DebFormatException.class, () -> extract(d, 100L << 20));
        assertTrue(e.getMessage().contains("limit"));
        assertNothingOutside();
    }
}
