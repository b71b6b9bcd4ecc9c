package org.aptostree.deb.archive;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.compression.Compression;

/**
 * Reads a binary package (.deb, format 2.0) the way dpkg-deb does (src/deb/extract.c), streaming:
 * {@link #open} reads {@code debian-binary} and the control member (kept in memory, capped), then
 * {@link #data()} streams the data member's tar entries without touching the disk.
 *
 * <p>Rules: {@code debian-binary} first, major version 2; members named {@code _*} skipped; the
 * control member is {@code control.tar} with no, gz, xz or zst compression; the data member is
 * {@code data.tar} with no, gz, xz, zst, bz2 or lzma compression; any other member before the data
 * member is an error; a second control or data member is refused (dpkg would silently ignore one
 * after the data member; a hostile package could use that to show different tools different files).
 *
 * <pre>{@code
 * try (DebReader deb = DebReader.open(Files.newInputStream(path))) {
 *     Paragraph control = deb.control().control();
 *     TarReader data = deb.data();
 *     for (TarEntry e = data.next(); e != null; e = data.next()) { ... data.content() ... }
 *     deb.finish();   // optional: checks the members after data.tar
 * }
 * }</pre>
 */
public final class DebReader implements Closeable {
    /** Largest decompressed control archive accepted (dpkg has no limit; real ones are a few KiB). */
    public static final long MAX_CONTROL_SIZE = 64L << 20;

    private final ArReader ar;
    private final String formatVersion;
    private final ArMember controlMember;
    private final Compression controlCompression;
    private final ControlArchive control;
    private ArMember dataMember;
    private Compression dataCompression;
    private boolean dataTaken;
    private InputStream dataStream;

    private DebReader(ArReader ar, String formatVersion, ArMember controlMember, Compression controlCompression,
                      ControlArchive control) {
        this.ar = ar;
        this.formatVersion = formatVersion;
        this.controlMember = controlMember;
        this.controlCompression = controlCompression;
        this.control = control;
    }

    /**
     * Reads the package up to and including its control member. The stream is closed by {@link #close()}.
     *
     * @throws DebFormatException when the package is not a valid .deb (with the byte offset)
     */
    public static DebReader open(InputStream in) throws IOException {
        ArReader ar = new ArReader(in);
        ArMember first = ar.next();
        if (first == null || !first.name().equals("debian-binary")) {
            throw DebFormatException.atOffset("file is not a Debian binary archive (try dpkg-split?)", 8);
        }
        String version = readFormatVersion(ar, first);
        while (true) {
            ArMember m = ar.next();
            if (m == null) {
                throw DebFormatException.atOffset("archive has no control member", ar.position());
            }
            if (m.name().startsWith("_")) {
                continue;
            }
            if (m.name().startsWith("control.tar")) {
                Compression c = memberCompression(m, "control.tar", true);
                if (m.size() == 0) {
                    throw DebFormatException.atOffset("archive has zero sized tar member '" + m.name() + "'", m.offset());
                }
                ControlArchive control = readControl(ar, m, c);
                return new DebReader(ar, version, m, c, control);
            }
            throw DebFormatException.atOffset("archive has premature member '" + m.name() + "' before 'control.tar', giving up",
                    m.offset());
        }
    }

    /** The {@code debian-binary} contents' first line, e.g. {@code "2.0"}. */
    public String formatVersion() {
        return formatVersion;
    }

    /** The control member's header (name, size, ...). */
    public ArMember controlMember() {
        return controlMember;
    }

    /** The control member's compression. */
    public Compression controlCompression() {
        return controlCompression;
    }

    /** The control archive, read in full. */
    public ControlArchive control() {
        return control;
    }

    /**
     * Streams the data member's tar entries; may be called once. Skips {@code _*} members before it.
     *
     * @throws DebFormatException when there is no data member or another member precedes it
     */
    public TarReader data() throws IOException {
        if (dataTaken) {
            throw new IllegalStateException("data() may be called once");
        }
        dataTaken = true;
        if (dataStream == null) {
            // xz, lzma and bzip2 decode slower than files can be written: decoding runs a thread ahead, so that
            // unpacking uses two cores. finish() drains it before reading on, so the archive is never read by two
            // threads at once.
            dataStream = openData(true);
        }
        return new TarReader(dataStream);
    }

    /**
     * Decodes the whole data member into memory now, on the calling thread; {@link #data()} then reads from
     * memory. Lets a caller decode the next packages on other threads while it unpacks one (dpkg's order of
     * unpacking is kept, the decoding cost is spread over the cores).
     */
    public DebReader decodeData() throws IOException {
        if (dataTaken || dataStream != null) {
            throw new IllegalStateException("the data member is already being read");
        }
        try (InputStream in = openData(false)) {
            dataStream = new java.io.ByteArrayInputStream(in.readAllBytes());
        }
        return this;
    }

    private InputStream openData(boolean ahead) throws IOException {
        while (true) {
            ArMember m = ar.next();
            if (m == null) {
                throw DebFormatException.atOffset("archive has no data member", ar.position());
            }
            if (m.name().startsWith("_")) {
                continue;
            }
            if (m.name().startsWith("control.tar")) {
                throw DebFormatException.atOffset("archive contains two control members, giving up", m.offset());
            }
            if (m.name().startsWith("data.tar")) {
                dataCompression = memberCompression(m, "data.tar", false);
                if (m.size() == 0) {
                    throw DebFormatException.atOffset("archive has zero sized tar member '" + m.name() + "'", m.offset());
                }
                dataMember = m;
                boolean slow = dataCompression == Compression.XZ || dataCompression == Compression.LZMA
                        || dataCompression == Compression.BZIP2;
                return ahead && slow ? dataCompression.decompressAhead(ar.content()) : dataCompression.decompress(ar.content());
            }
            throw DebFormatException.atOffset("archive has premature member '" + m.name() + "' before 'data.tar', giving up",
                    m.offset());
        }
    }

    /** The data member's header, once {@link #data()} has found it; else null. */
    public ArMember dataMember() {
        return dataMember;
    }

    /** The data member's compression, once {@link #data()} has found it; else null. */
    public Compression dataCompression() {
        return dataCompression;
    }

    /**
     * Reads the members after the data member and refuses a second {@code debian-binary},
     * control or data member. Other trailing members are ignored, as dpkg ignores them.
     */
    public void finish() throws IOException {
        if (!dataTaken) {
            data();
        }
        dataStream.transferTo(java.io.OutputStream.nullOutputStream());
        for (ArMember m = ar.next(); m != null; m = ar.next()) {
            if (m.name().equals("debian-binary") || m.name().startsWith("control.tar") || m.name().startsWith("data.tar")) {
                throw DebFormatException.atOffset("archive has duplicate member '" + m.name() + "'", m.offset());
            }
        }
    }

    @Override
    public void close() throws IOException {
        ar.close();
    }

    private static String readFormatVersion(ArReader ar, ArMember m) throws IOException {
        if (m.size() > 4096) {
            throw DebFormatException.atOffset("'debian-binary' member too large", m.offset());
        }
        String text = new String(ar.content().readAllBytes(), StandardCharsets.US_ASCII);
        int newline = text.indexOf('\n');
        if (newline < 0) {
            throw DebFormatException.atOffset("archive has no newlines in header", m.offset() + 60);
        }
        String line = text.substring(0, newline);
        int dot = line.indexOf('.');
        String major = dot < 0 ? line : line.substring(0, dot);
        if (!major.equals("2")) {
            throw DebFormatException.atOffset("archive is format version " + line + "; get a newer dpkg-deb", m.offset() + 60);
        }
        if (dot >= 0 && !line.substring(dot + 1).chars().allMatch(Character::isDigit)) {
            throw DebFormatException.atOffset("archive has invalid format version '" + line + "'", m.offset() + 60);
        }
        return line;
    }

    private static Compression memberCompression(ArMember m, String base, boolean control) throws DebFormatException {
        String ext = m.name().substring(base.length());
        Compression c = switch (ext) {
            case "" -> Compression.NONE;
            case ".gz" -> Compression.GZIP;
            case ".xz" -> Compression.XZ;
            case ".zst" -> Compression.ZSTD;
            case ".bz2" -> control ? null : Compression.BZIP2;
            case ".lzma" -> control ? null : Compression.LZMA;
            default -> null;
        };
        if (c == null) {
            throw DebFormatException.atOffset("archive uses unknown compression for member '" + m.name() + "', giving up",
                    m.offset());
        }
        return c;
    }

    // The decoder is closed here, though the member itself stays open: closing gives back what it holds, the xz
    // dictionary (8 MiB in Debian's packages) to the cache that the data member takes it from, and zstd's native
    // context.
    private static ControlArchive readControl(ArReader ar, ArMember m, Compression c) throws IOException {
        try (InputStream decoded = c.decompress(ar.content())) {
            return readControl(new TarReader(decoded), m);
        }
    }

    private static ControlArchive readControl(TarReader tar, ArMember m) throws IOException {
        List<TarEntry> entries = new ArrayList<>();
        Map<String, byte[]> files = new LinkedHashMap<>();
        long total = 0;
        for (TarEntry e = tar.next(); e != null; e = tar.next()) {
            entries.add(e);
            if (e.type() == TarEntry.Type.FILE) {
                total += e.size();
                if (total > MAX_CONTROL_SIZE) {
                    throw DebFormatException.atOffset("control member too large", m.offset());
                }
                String name = e.name().startsWith("./") ? e.name().substring(2) : e.name();
                ByteArrayOutputStream data = new ByteArrayOutputStream((int) e.size());
                tar.content().transferTo(data);
                if (files.put(name, data.toByteArray()) != null) {
                    throw DebFormatException.atOffset("control member has duplicate file '" + name + "'", m.offset());
                }
            }
        }
        return new ControlArchive(entries, files);
    }
}
