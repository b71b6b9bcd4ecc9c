package org.aptostree.deb.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.compression.Compression;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * The cpio reader against GNU cpio, which writes the archives (newc and crc) from real directories; against the
 * compressors (gzip, zstd, xz, bzip2, lzma) for initramfs-like concatenations; and on damaged input.
 */
class CpioReaderTest {
    @TempDir
    Path tmp;

    /** A tree with every kind of entry an initramfs has, odd sizes for the padding, a hard link, set-id bits. */
    private Path sampleTree(Path root) throws IOException {
        Files.createDirectories(root.resolve("usr/lib/ostree"));
        Files.createDirectories(root.resolve("etc/systemd/system/initrd-root-fs.target.wants"));
        Files.createDirectories(root.resolve("empty dir"));
        for (int size : new int[] {0, 1, 2, 3, 4, 5, 511, 4097}) {
            byte[] b = new byte[size];
            for (int i = 0; i < size; i++) {
                b[i] = (byte) (i * 31 + size);
            }
            Files.write(root.resolve("usr/lib/file-" + size), b);
        }
        Files.writeString(root.resolve("usr/lib/ostree/ostree-prepare-root"), "#!/bin/sh\n");
        Files.setAttribute(root.resolve("usr/lib/ostree/ostree-prepare-root"), "unix:mode", 04755);
        Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
        Files.createSymbolicLink(root.resolve("etc/systemd/system/initrd-root-fs.target.wants/ostree-prepare-root.service"),
                Path.of("../../../../usr/lib/systemd/system/ostree-prepare-root.service"));
        Files.createLink(root.resolve("usr/lib/hardlink"), root.resolve("usr/lib/file-5"));
        Files.writeString(root.resolve("usr/lib/nämé with spaces"), "utf-8 name\n");
        return root;
    }

    /** GNU cpio's archive of a directory, entries in sorted order, owner root. */
    private byte[] gnuCpio(Path dir, String format) throws Exception {
        Requirements.tool("cpio");
        return run(List.of("sh", "-c", "cd \"$1\" && find . | LC_ALL=C sort | cpio -o --quiet -H " + format + " -R 0:0", "sh", dir.toString()), null);
    }

    /** What GNU cpio extracts from an archive (it drops a leading "./" of link targets when it writes them). */
    private Path gnuExtract(byte[] archive) throws Exception {
        Path out = Files.createTempDirectory(tmp, "extracted");
        Path file = Files.createTempFile(tmp, "archive", ".cpio");
        Files.write(file, archive);
        run(List.of("sh", "-c", "cd \"$1\" && cpio -idm --quiet < \"$2\"", "sh", out.toString(), file.toString()), null);
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"newc", "crc"})
    void readsWhatGnuCpioWrites(String format) throws Exception {
        Path dir = sampleTree(tmp.resolve("tree"));
        byte[] archive = gnuCpio(dir, format);
        assertEquals(describe(dir), read(archive));
        assertEquals(describe(gnuExtract(archive)), read(archive));
        // The names in cpio's own order, as cpio -t lists them.
        List<String> names = new ArrayList<>();
        CpioReader r = new CpioReader(new ByteArrayInputStream(archive));
        for (CpioEntry e = r.next(); e != null; e = r.next()) {
            names.add(e.name());
        }
        String listed = new String(run(List.of("cpio", "-t", "--quiet"), archive), StandardCharsets.UTF_8);
        assertEquals(listed.lines().toList(), names);
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "ZSTD", "XZ", "BZIP2", "LZMA"})
    void readsAnInitramfsOfAnUncompressedEarlyArchiveAndACompressedMainOne(Compression compression) throws Exception {
        Path early = tmp.resolve("early");
        Files.createDirectories(early.resolve("kernel/x86/microcode"));
        Files.write(early.resolve("kernel/x86/microcode/GenuineIntel.bin"), new byte[] {1, 2, 3});
        Path main = sampleTree(tmp.resolve("main"));
        // As mkinitramfs and dracut compress: the real tools, the xz check the kernel reads.
        String compressor = switch (compression) {
            case GZIP -> "gzip -n -9";
            case ZSTD -> "zstd -q -19";
            case XZ -> "xz --check=crc32";
            case BZIP2 -> "bzip2 -9";
            case LZMA -> "lzma -9";
            default -> throw new AssertionError(compression);
        };
        Requirements.tool(compressor.split(" ")[0]);
        byte[] compressed = run(List.of("sh", "-c", compressor), gnuCpio(main, "newc"));
        byte[] initramfs = concat(gnuCpio(early, "newc"), compressed);

        Map<String, String> expected = new TreeMap<>(describe(early));
        expected.putAll(describe(main));
        assertEquals(expected, read(initramfs));
        CpioReader r = new CpioReader(new ByteArrayInputStream(initramfs));
        assertEquals(Compression.NONE, r.next().compression());
        CpioEntry last = null;
        for (CpioEntry e = r.next(); e != null; e = r.next()) {
            last = e;
        }
        assertEquals(compression, last.compression());
    }

    @Test
    void severalArchivesWithNulPaddingBetweenThem() throws Exception {
        Path a = tmp.resolve("a");
        Files.createDirectories(a);
        Files.writeString(a.resolve("one"), "1");
        Path b = tmp.resolve("b");
        Files.createDirectories(b);
        Files.writeString(b.resolve("two"), "22");
        byte[] input = concat(gnuCpio(a, "newc"), new byte[16], gnuCpio(b, "crc"), new byte[4]);
        Map<String, String> expected = new TreeMap<>(describe(a));
        expected.putAll(describe(b));
        assertEquals(expected, read(input));
    }

    @Test
    void emptyInputHasNoEntries() throws Exception {
        assertNull(new CpioReader(new ByteArrayInputStream(new byte[0])).next());
        assertNull(new CpioReader(new ByteArrayInputStream(new byte[512])).next());
    }

    @Test
    void damagedInputIsAFormatErrorWithItsOffset() throws Exception {
        Path dir = tmp.resolve("d");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("file"), "content of the file\n");
        byte[] good = gnuCpio(dir, "crc");
        // The second header ("." is first): magic, a hex field, the name, the data, the sum, the trailer.
        int second = 112;
        assertEquals("070702", new String(good, second, 6, StandardCharsets.US_ASCII));
        int nameSize = Integer.parseInt(new String(good, second + 94, 8, StandardCharsets.US_ASCII), 16);
        String name = new String(good, second + 110, nameSize - 1, StandardCharsets.UTF_8);
        int data = second + ((110 + nameSize + 3) & ~3);

        DebFormatException e = failure(replace(good, second, "070707"));
        assertTrue(e.getMessage().contains("not a newc or crc cpio header (magic '070707')"), e.getMessage());
        assertEquals(second, e.offset());
        e = failure(replace(good, second + 6 + 8 * 6, "0000001g"));
        assertTrue(e.getMessage().contains("filesize is not 8 hexadecimal digits"), e.getMessage());
        e = failure(java.util.Arrays.copyOf(good, second + 60));
        assertTrue(e.getMessage().contains("truncated cpio header"), e.getMessage());
        e = failure(java.util.Arrays.copyOf(good, data + 5));
        assertTrue(e.getMessage().contains("truncated data of cpio entry '" + name + "'"), e.getMessage());
        byte[] badName = good.clone();
        badName[second + 110 + nameSize - 1] = 'X';
        e = failure(badName);
        assertTrue(e.getMessage().contains("cpio name without its NUL terminator"), e.getMessage());
        byte[] badData = good.clone();
        badData[data] ^= 1;
        e = failure(badData);
        assertTrue(e.getMessage().contains("cpio checksum of '" + name + "'"), e.getMessage());
        int trailer = indexOf(good, "TRAILER!!!") - 110;
        e = failure(java.util.Arrays.copyOf(good, trailer));
        assertTrue(e.getMessage().contains("cpio archive ends without its TRAILER!!! entry"), e.getMessage());
        e = failure(concat(good, "garbage".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(e.getMessage().contains("neither a cpio archive nor a compression apt-ostree reads (starts with 67 61"), e.getMessage());
        assertEquals(good.length, e.offset());
        e = failure(concat(good, new byte[] {0x02, 0x21, 0x4c, 0x18, 0, 0}));
        assertTrue(e.getMessage().contains("lz4-compressed"), e.getMessage());
        e = failure(concat(good, new byte[] {0, 0}, "070701".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(e.getMessage().contains("not a multiple of 4"), e.getMessage());
        e = failure(concat(gzip(concat(good, "junk".getBytes(StandardCharsets.US_ASCII)))));
        assertTrue(e.getMessage().contains("junk after a cpio archive in the gzip-compressed data that starts at byte 0"), e.getMessage());
        e = failure(java.util.Arrays.copyOf(gzip(good), 40));
        assertTrue(e.getMessage().contains("gzip"), e.getMessage());
    }

    @Property(tries = 25, shrinking = ShrinkingMode.OFF)
    void anyTreeReadsAsGnuCpioExtractsIt(@ForAll("trees") Map<String, String> tree) throws Exception {
        Path dir = Files.createTempDirectory("cpio-property");
        tmp = Files.createTempDirectory("cpio-property-work");
        try {
            for (Map.Entry<String, String> e : tree.entrySet()) {
                Path p = dir.resolve(e.getKey());
                Files.createDirectories(p.getParent());
                if (e.getValue().startsWith("->")) {
                    Files.createSymbolicLink(p, Path.of(e.getValue().substring(2)));
                } else if (!Files.isDirectory(p)) {
                    Files.writeString(p, e.getValue());
                }
            }
            for (String format : List.of("newc", "crc")) {
                byte[] archive = gnuCpio(dir, format);
                assertEquals(describe(gnuExtract(archive)), read(archive), format);
            }
        } finally {
            for (Path root : List.of(dir, tmp)) {
                try (Stream<Path> s = Files.walk(root)) {
                    for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        }
    }

    /** Relative paths to contents; a value "->target" is a symbolic link. */
    @Provide
    Arbitrary<Map<String, String>> trees() {
        Arbitrary<String> name = Arbitraries.strings().withChars("abcxyz_.- é").ofMinLength(1).ofMaxLength(12)
                .filter(s -> !s.equals(".") && !s.equals("..") && !s.startsWith("-"));
        Arbitrary<String> path = name.list().ofMinSize(1).ofMaxSize(3).map(l -> String.join("/", l));
        Arbitrary<String> content = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(700),
                Arbitraries.strings().withChars("abc/.").ofMinLength(1).ofMaxLength(30).map(s -> "->" + s));
        return Arbitraries.maps(path, content).ofMaxSize(12).map(CpioReaderTest::withoutPrefixClashes);
    }

    /** A path cannot be a file and a directory at once: drops entries that are a prefix of another. */
    private static Map<String, String> withoutPrefixClashes(Map<String, String> m) {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : m.entrySet()) {
            boolean isPrefix = m.keySet().stream().anyMatch(k -> k.startsWith(e.getKey() + "/"));
            if (!isPrefix) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ helpers

    private static DebFormatException failure(byte[] input) {
        return assertThrows(DebFormatException.class, () -> read(input));
    }

    /** name → "type mode content-or-target" of every entry; hard links get the content of their set. */
    private static Map<String, String> read(byte[] archive) throws IOException {
        Map<String, String> out = new TreeMap<>();
        Map<String, byte[]> linkData = new HashMap<>();
        List<CpioEntry> links = new ArrayList<>();
        CpioReader r = new CpioReader(new ByteArrayInputStream(archive));
        for (CpioEntry e = r.next(); e != null; e = r.next()) {
            byte[] data = r.content().readAllBytes();
            assertEquals(e.size(), data.length);
            String name = e.name().startsWith("./") ? e.name().substring(2) : e.name();
            if (name.equals(".")) {
                continue;
            }
            String kind = e.isDirectory() ? "d" : e.isSymbolicLink() ? "l" : e.isRegularFile() ? "f" : "?";
            if (e.isRegularFile() && e.nlink() > 1) {
                // GNU cpio's newc: only the last link of a set carries the data.
                String key = e.devMajor() + ":" + e.devMinor() + ":" + e.inode();
                if (data.length > 0) {
                    linkData.put(key, data);
                }
                links.add(e);
            }
            out.put(name, kind + " " + Integer.toOctalString(e.permissions()) + " " + (e.isSymbolicLink()
                    ? new String(data, StandardCharsets.UTF_8) : e.isRegularFile() ? sha(data) : ""));
        }
        for (CpioEntry e : links) {
            String name = e.name().startsWith("./") ? e.name().substring(2) : e.name();
            byte[] data = linkData.getOrDefault(e.devMajor() + ":" + e.devMinor() + ":" + e.inode(), new byte[0]);
            out.put(name, "f " + Integer.toOctalString(e.permissions()) + " " + sha(data));
        }
        return out;
    }

    private static Map<String, String> describe(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(p -> !p.equals(root)).toList()) {
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
                String what;
                if (Files.isSymbolicLink(p)) {
                    what = "l 777 " + Files.readSymbolicLink(p);
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    what = "d " + Integer.toOctalString(mode) + " ";
                } else {
                    what = "f " + Integer.toOctalString(mode) + " " + sha(Files.readAllBytes(p));
                }
                out.put(root.relativize(p).toString(), what);
            }
        }
        return out;
    }

    private static String sha(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] run(List<String> command, byte[] input) throws Exception {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread feeder = new Thread(() -> {
            try (var in = p.getOutputStream()) {
                if (input != null) {
                    in.write(input);
                }
            } catch (IOException ignored) {
                // the process ended early; its exit code tells
            }
        });
        feeder.start();
        byte[] out = p.getInputStream().readAllBytes();
        feeder.join();
        assertEquals(0, p.waitFor(), String.join(" ", command));
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] replace(byte[] data, int at, String ascii) {
        byte[] copy = data.clone();
        byte[] b = ascii.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, copy, at, b.length);
        return copy;
    }

    private static int indexOf(byte[] data, String ascii) {
        byte[] b = ascii.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + b.length <= data.length; i++) {
            for (int j = 0; j < b.length; j++) {
                if (data[i + j] != b[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
