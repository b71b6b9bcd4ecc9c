package org.aptostree.ostree.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The header bytes the Rust tar crate writes, field by field, including the quirks ostree-ext's streams carry. */
class TarHeaderTest {
    private static String field(byte[] h, int off, int len) {
        return new String(h, off, len, StandardCharsets.ISO_8859_1);
    }

    @Test
    void gnuHeaderFieldsAreZeroPaddedOctalEndingInNul() throws IOException {
        TarHeader h = TarHeader.gnu();
        h.setType(TarHeader.DIRECTORY);
        h.setUid(0);
        h.setGid(0);
        h.setMode(0755);
        h.setSize(0);
        h.setPath("./");
        h.setChecksum();
        byte[] b = h.bytes();
        assertEquals("./\0", field(b, 0, 3));
        assertEquals("0000755\0", field(b, 100, 8));
        assertEquals("0000000\0", field(b, 108, 8));
        assertEquals("00000000000\0", field(b, 124, 12));
        assertEquals("00000000000\0", field(b, 136, 12), "mtime 0");
        assertEquals("ustar  \0", field(b, 257, 8));
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (b[i] & 0xFF);
        }
        assertEquals(String.format("%07o", sum) + "\0", field(b, 148, 8), "seven checksum digits and a NUL");
    }

    @Test
    void pathsLoseDotComponentsButTheRootKeepsItsSlash() {
        assertEquals(List.of("."), TarHeader.components("./"));
        assertEquals(List.of(".", "usr", "bin"), TarHeader.components("./usr//bin/."));
        assertEquals(List.of("/", "usr"), TarHeader.components("/./usr"));
        assertEquals(List.of("a", "b"), TarHeader.components("a/./b"));
    }

    @Test
    void aShorterNameLeavesTheTailOfTheLongerOneAfterItsNul() throws IOException {
        TarHeader h = TarHeader.gnu();
        String object = "sysroot/ostree/repo/objects/ab/" + "c".repeat(62) + ".file";
        h.setPath(object);
        h.setPath("usr/bin/bash");
        byte[] b = h.bytes();
        assertEquals("usr/bin/bash\0", field(b, 0, 13));
        assertEquals(object.substring(13), field(b, 13, object.length() - 13));
    }

    @Test
    void longNamesGetAGnuLongNameEntryWithTheNameAsGiven() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarStreamWriter w = new TarStreamWriter(out);
        String path = "./usr/share/" + "d".repeat(60) + "/" + "e".repeat(60);
        TarHeader h = TarHeader.gnu();
        h.setType(TarHeader.DIRECTORY);
        w.appendData(h, path, new byte[0]);
        byte[] b = out.toByteArray();
        assertEquals(1536, b.length);
        assertEquals("././@LongLink\0", field(b, 0, 14));
        assertEquals('L', b[156]);
        assertEquals(String.format("%011o", path.length() + 1) + "\0", field(b, 124, 12));
        assertEquals(path + "\0", field(b, 512, path.length() + 1), "the long name keeps its ./");
        // The header's own name: the first 100 bytes with "./" dropped, so 98 bytes and a NUL.
        assertEquals(path.substring(2, 100) + "\0", field(b, 1024, 99));
    }

    @Test
    void paxRecordLengthsCountTheirOwnDigits() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new TarStreamWriter(out).appendPax(List.of(Map.entry("SCHILY.xattr.user.a", new byte[] {'x'}),
                Map.entry("SCHILY.xattr.user.b", new byte[80])));
        byte[] b = out.toByteArray();
        assertEquals('x', b[156]);
        assertEquals("ustar\00000", field(b, 257, 8));
        assertEquals("\0".repeat(100), field(b, 0, 100), "no name");
        String data = field(b, 512, 25);
        assertEquals("25 SCHILY.xattr.user.a=x\n", data);
        assertEquals("105 SCHILY.xattr.user.b=", field(b, 537, 24));
        ByteArrayOutputStream none = new ByteArrayOutputStream();
        new TarStreamWriter(none).appendPax(List.of());
        assertEquals(0, none.size(), "no pax header without records");
    }

    @Test
    void largeIdsUseBase256() {
        TarHeader h = TarHeader.gnu();
        h.setUid(4_000_000_000L);
        byte[] b = h.bytes();
        byte[] expected = {(byte) 0x80, 0, 0, 0, (byte) 0xEE, 0x6B, 0x28, 0};
        assertArrayEquals(expected, Arrays.copyOfRange(b, 108, 116));
    }

    @Test
    void componentsThatDoNotFitFailAndLeaveThePrefix() {
        TarHeader h = TarHeader.gnu();
        assertThrows(IOException.class, () -> h.setPath("a/" + "b".repeat(99)));
        assertEquals("a/\0", field(h.bytes(), 0, 3));
    }
}
