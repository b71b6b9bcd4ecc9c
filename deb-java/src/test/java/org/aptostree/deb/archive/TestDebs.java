package org.aptostree.deb.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.aptostree.deb.compression.Compression;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAOutputStream;
import org.tukaani.xz.XZOutputStream;

import com.github.luben.zstd.ZstdOutputStream;

/** Test-side writers of ar archives, tars and .debs, including broken and hostile ones. */
final class TestDebs {
    private TestDebs() {
    }

    /** An ar archive of the given members, written as dpkg-deb writes them. */
    static byte[] ar(Map<String, byte[]> members) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("!<arch>\n".getBytes(StandardCharsets.US_ASCII));
        for (Map.Entry<String, byte[]> m : members.entrySet()) {
            String header = String.format("%-16s%-12d%-6d%-6d%-8o%-10d`\n", m.getKey(), 1700000000L, 0, 0, 0100644,
                    m.getValue().length);
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            out.write(m.getValue());
            if (m.getValue().length % 2 == 1) {
                out.write('\n');
            }
        }
        return out.toByteArray();
    }

    static byte[] compress(byte[] data, Compression c) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = switch (c) {
            case NONE -> bytes;
            case GZIP -> new GZIPOutputStream(bytes);
            case XZ -> new XZOutputStream(bytes, new LZMA2Options(1));
            case ZSTD -> new ZstdOutputStream(bytes, 3);
            case BZIP2 -> new BZip2CompressorOutputStream(bytes, 1);
            case LZMA -> new LZMAOutputStream(bytes, new LZMA2Options(1), -1);
        }) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    /** The members of an existing .deb, decompressed: name without compression suffix → raw bytes. */
    static Map<String, byte[]> rawMembers(Path deb) throws IOException {
        Map<String, byte[]> members = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(deb)) {
            ArReader ar = new ArReader(in);
            for (ArMember m = ar.next(); m != null; m = ar.next()) {
                Compression c = m.name().equals("debian-binary") ? Compression.NONE : Compression.fromFileName(m.name());
                String base = m.name().substring(0, m.name().length() - c.extension().length());
                members.put(base, c.decompress(ar.content()).readAllBytes());
            }
        }
        return members;
    }

    /** A .deb from raw debian-binary, control.tar and data.tar bytes with the given compressions. */
    static byte[] deb(byte[] controlTar, Compression controlCompression, byte[] dataTar, Compression dataCompression)
            throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
        m.put("control.tar" + controlCompression.extension(), compress(controlTar, controlCompression));
        m.put("data.tar" + dataCompression.extension(), compress(dataTar, dataCompression));
        return ar(m);
    }

    /** Builds tars entry by entry with commons-compress (GNU long names, absolute names kept). */
    static final class Tar {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream out = new TarArchiveOutputStream(bytes);

        Tar() {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR);
        }

        Tar dir(String name) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_DIR, true);
            e.setMode(040755);
            return put(e, null);
        }

        Tar file(String name, String content) throws IOException {
            return file(name, content.getBytes(StandardCharsets.UTF_8), 0100644);
        }

        Tar file(String name, byte[] content, int mode) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, true);
            e.setMode(mode);
            e.setSize(content.length);
            e.setUserName("root");
            e.setGroupName("root");
            return put(e, content);
        }

        Tar symlink(String name, String target) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK, true);
            e.setLinkName(target);
            e.setMode(0120777);
            return put(e, null);
        }

        Tar hardlink(String name, String target) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK, true);
            e.setLinkName(target);
            e.setMode(0100644);
            return put(e, null);
        }

        Tar device(String name, byte type) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, type, true);
            e.setMode(0600);
            e.setDevMajor(1);
            e.setDevMinor(3);
            return put(e, null);
        }

        private Tar put(TarArchiveEntry e, byte[] content) throws IOException {
            e.setModTime(1_700_000_000_000L);
            out.putArchiveEntry(e);
            if (content != null) {
                out.write(content);
            }
            out.closeArchiveEntry();
            return this;
        }

        byte[] bytes() throws IOException {
            out.finish();
            out.close();
            return bytes.toByteArray();
        }
    }

    static byte[] minimalControlTar() throws IOException {
        return new Tar().dir("./").file("./control", "Package: evil\nVersion: 1.0\nArchitecture: all\n"
                + "Maintainer: t <t@example.org>\nDescription: test\n").bytes();
    }
}
