package org.aptostree.ostree.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.aptostree.fixtures.tar.TarArchives;
import org.aptostree.fixtures.tar.TarArchives.Member;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The importer's tar reader gives the members, names, link names, owners, modes and data that commons-compress and
 * GNU tar see, for archives written by commons-compress (pax and GNU long names, base-256 numbers) and by GNU tar in
 * each of its formats; damaged headers and truncated streams are format errors.
 */
class TarReaderTest {
    @TempDir
    Path dir;

    @Provide
    Arbitrary<List<Member>> members() {
        return TarArchives.members();
    }

    /** What a reader saw of one member. */
    record Seen(char type, String name, String link, long uid, long gid, int mode, List<Byte> data) {
    }

    private static List<Byte> boxed(byte[] b) {
        List<Byte> out = new ArrayList<>(b.length);
        for (byte x : b) {
            out.add(x);
        }
        return out;
    }

    static List<Seen> ours(byte[] tar) throws IOException, OstreeFormatException {
        TarReader r = new TarReader(new ByteArrayInputStream(tar));
        List<Seen> out = new ArrayList<>();
        TarReader.Entry e;
        while ((e = r.next()) != null) {
            byte[] data = e.isFile() ? r.readAll() : new byte[0];
            out.add(new Seen((char) e.type(), e.name(), e.linkName(), e.uid(), e.gid(), e.mode() & 07777, boxed(data)));
        }
        return out;
    }

    static List<Seen> commons(byte[] tar) throws IOException {
        List<Seen> out = new ArrayList<>();
        try (TarArchiveInputStream t = new TarArchiveInputStream(new ByteArrayInputStream(tar), StandardCharsets.UTF_8.name())) {
            TarArchiveEntry e;
            while ((e = t.getNextEntry()) != null) {
                byte flag = e.getLinkFlag();
                byte[] data = flag == '0' || flag == 0 || flag == '7' ? t.readAllBytes() : new byte[0];
                out.add(new Seen((char) e.getLinkFlag(), e.getName(), e.getLinkName(), e.getLongUserId(), e.getLongGroupId(), e.getMode() & 07777,
                        boxed(data)));
            }
        }
        return out;
    }

    @Property(tries = 200)
    void readsWhatCommonsCompressWritesAsItReadsIt(@ForAll("members") List<Member> members) throws Exception {
        for (TarArchives.Dialect dialect : TarArchives.Dialect.values()) {
            byte[] tar = TarArchives.write(members, dialect);
            assertEquals(commons(tar), ours(tar));
            assertEquals(members.size(), ours(tar).size());
        }
    }

    @Test
    void readsEachOfGnuTarsFormats() throws Exception {
        Requirements.tool("tar");
        Path tree = Files.createDirectories(dir.resolve("tree"));
        String longDir = "d".repeat(90) + "/" + "e".repeat(90) + "/" + "f".repeat(120);
        Files.createDirectories(tree.resolve(longDir));
        Files.writeString(tree.resolve(longDir).resolve("file-" + "g".repeat(60)), "long\n");
        Files.writeString(tree.resolve("grüße.txt"), "unicode\n");
        Files.write(tree.resolve("big"), new byte[70_000]);
        Files.createSymbolicLink(tree.resolve("link"), Path.of("x".repeat(150)));
        Files.createLink(tree.resolve("hard"), tree.resolve("big"));
        for (String format : List.of("gnu", "posix", "ustar", "oldgnu", "v7")) {
            Path archive = dir.resolve(format + ".tar");
            // ustar and v7 cannot hold the long names: those archives get the short members only.
            List<String> members = format.equals("ustar") || format.equals("v7") ? List.of("grüße.txt", "big", "hard") : List.of(".");
            List<String> command = new ArrayList<>(List.of("tar", "--format=" + format, "--sort=name", "-C", tree.toString(), "-cf",
                    archive.toString()));
            command.addAll(members);
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), format + ": " + output);
            byte[] tar = Files.readAllBytes(archive);
            List<Seen> ours = ours(tar);
            assertEquals(commons(tar), ours, format);
            List<String> listed = new ArrayList<>();
            Process list = new ProcessBuilder("tar", "-tf", archive.toString()).start();
            new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().forEach(listed::add);
            assertEquals(0, list.waitFor());
            assertEquals(listed, ours.stream().map(s -> s.type() == '5' && !s.name().endsWith("/") ? s.name() + "/" : s.name()).toList(), format);
        }
    }

    private static byte[] oneFile() {
        return TarArchives.write(List.of(new Member('0', "sysroot/ostree/repo/objects/ab/cd.file", "", 0, 0, 0644,
                "content".getBytes(StandardCharsets.UTF_8))), TarArchives.Dialect.PAX);
    }

    @Test
    void aDamagedHeaderIsAFormatErrorNamingItsOffset() throws Exception {
        byte[] tar = oneFile();
        tar[10] ^= 1;
        OstreeFormatException e = assertThrows(OstreeFormatException.class, () -> ours(tar));
        assertTrue(e.getMessage().contains("offset 0") && e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void aStreamThatEndsInsideAMemberIsAFormatError() throws Exception {
        byte[] tar = oneFile();
        byte[] cut = java.util.Arrays.copyOf(tar, 512 + 3);
        OstreeFormatException e = assertThrows(OstreeFormatException.class, () -> ours(cut));
        assertTrue(e.getMessage().contains("ends inside"), e.getMessage());
        byte[] inHeader = java.util.Arrays.copyOf(tar, 100);
        assertThrows(OstreeFormatException.class, () -> ours(inHeader));
    }

    @Test
    void nothingAfterTheFirstZeroBlockIsRead() throws Exception {
        TarHeader h = TarHeader.gnu();
        h.setType(TarHeader.REGULAR);
        h.setPath("sysroot/ostree/repo/objects/ab/cd.file");
        h.setMode(0644);
        h.setSize(7);
        h.setChecksum();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(h.bytes());
        out.write(java.util.Arrays.copyOf("content".getBytes(StandardCharsets.UTF_8), 512));
        out.write(new byte[1024]);
        out.write(new byte[] {'j', 'u', 'n', 'k'});
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        TarReader r = new TarReader(in);
        TarReader.Entry e = r.next();
        assertEquals("sysroot/ostree/repo/objects/ab/cd.file", e.name());
        assertEquals(7, e.size());
        assertNull(r.next());
        assertEquals(512 + 4, in.available(), "the second zero block and what follows it are left to the caller");
    }

    @Test
    void anOversizedExtendedHeaderIsRefusedUnread() throws Exception {
        TarHeader h = TarHeader.gnu();
        h.setType(TarHeader.GNU_LONG_NAME);
        h.setPath("././@LongLink");
        h.setSize(TarReader.MAX_EXTENSION + 1L);
        h.setChecksum();
        OstreeFormatException e = assertThrows(OstreeFormatException.class, () -> ours(h.bytes()));
        assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
    }
}
