package org.aptostree.deb.archive;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.compression.Compression;

/**
 * Streaming reader of cpio data as the kernel unpacks an initramfs (init/initramfs.c): archives in the newc
 * ({@code 070701}) or crc ({@code 070702}) format one after another, NUL bytes between them, and a compressed part
 * whose content is again such archives. initramfs-tools and dracut write the early microcode archive uncompressed,
 * then the main archive compressed (zstd, gzip, xz, ...).
 *
 * <p>A compressed part is read to the end of the input: gzip members, xz streams and zstd frames may follow each
 * other, but the kernel's further freedom (an uncompressed archive, or another compression, after a compressed part)
 * is not followed, as no initramfs generator writes it. lz4 and lzo, which the kernel also reads, are refused
 * by name. The {@code TRAILER!!!} entries that end archives are not returned.
 *
 * <pre>{@code
 * CpioReader cpio = new CpioReader(in);
 * for (CpioEntry e = cpio.next(); e != null; e = cpio.next()) { InputStream data = cpio.content(); ... }
 * }</pre>
 */
public final class CpioReader implements Closeable {
    private static final int HEADER = 110;
    /** The kernel's limit for a name (with its NUL), and for a symbolic link's target. */
    private static final int PATH_MAX = 4096;
    private static final String TRAILER = "TRAILER!!!";
    private static final String[] FIELDS = {"ino", "mode", "uid", "gid", "nlink", "mtime", "filesize", "devmajor",
        "devminor", "rdevmajor", "rdevminor", "namesize", "check"};

    private final Part input;
    private Part part;
    private boolean inArchive;
    private CpioEntry entry;
    private long remaining;
    private long sum;
    private boolean crc;
    private EntryDataStream current;

    public CpioReader(InputStream in) {
        this.input = new Part(new PushbackInputStream(in, 8), Compression.NONE, 0);
        this.part = input;
    }

    /** The next entry's header, or null at the end of the input; skips what is left of the previous entry. */
    public CpioEntry next() throws IOException {
        finishEntry();
        while (true) {
            if (!inArchive) {
                if (!findArchive()) {
                    return null;
                }
                inArchive = true;
            }
            long offset = part.position;
            byte[] h = part.read(HEADER);
            if (h.length == 0) {
                throw part.error("cpio archive ends without its " + TRAILER + " entry", offset);
            }
            if (h.length < HEADER) {
                throw part.error("truncated cpio header", offset);
            }
            String magic = new String(h, 0, 6, StandardCharsets.US_ASCII);
            crc = magic.equals("070702");
            if (!crc && !magic.equals("070701")) {
                throw part.error("not a newc or crc cpio header (magic '" + printable(magic) + "')", offset);
            }
            long[] f = new long[FIELDS.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = hex(h, 6 + 8 * i, FIELDS[i], offset);
            }
            long nameSize = f[11];
            if (nameSize == 0 || nameSize > PATH_MAX) {
                throw part.error("cpio name size " + nameSize + " is out of range (1 to " + PATH_MAX + ")", offset + 94);
            }
            byte[] name = part.read((int) nameSize);
            if (name.length < nameSize) {
                throw part.error("truncated cpio name", offset + HEADER);
            }
            for (int i = 0; i < name.length - 1; i++) {
                if (name[i] == 0) {
                    throw part.error("NUL inside a cpio name", offset + HEADER + i);
                }
            }
            if (name[name.length - 1] != 0) {
                throw part.error("cpio name without its NUL terminator", offset + HEADER);
            }
            skipPadding((int) (-(HEADER + nameSize) & 3), offset);
            String path = new String(name, 0, name.length - 1, StandardCharsets.UTF_8);
            entry = new CpioEntry(path, f[0], (int) f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10],
                    crc ? f[12] : 0, part.compression, offset);
            remaining = f[6];
            sum = 0;
            if (entry.isSymbolicLink() && remaining > PATH_MAX) {
                throw part.error("symbolic link '" + path + "' has a target longer than " + PATH_MAX + " bytes", offset + 54);
            }
            if (path.equals(TRAILER)) {
                finishEntry();
                inArchive = false;
                continue;
            }
            current = new EntryDataStream(this::readData);
            return entry;
        }
    }

    /** The current entry's data (a symbolic link's target); reading past its size returns end of stream. */
    public InputStream content() {
        if (current == null) {
            throw new IllegalStateException("no current entry");
        }
        return current;
    }

    @Override
    public void close() throws IOException {
        part.in.close();
        if (part != input) {
            input.in.close();
        }
    }

    /**
     * Moves to the start of the next archive: NUL padding is skipped; a compressed part is entered. False at the end
     * of the input.
     */
    private boolean findArchive() throws IOException {
        while (true) {
            int b = part.peek();
            if (b < 0) {
                return false;
            }
            if (b == 0) {
                part.read(1);
                continue;
            }
            if (b == '0') {
                if ((part.position & 3) != 0) {
                    throw part.error("cpio archive at an offset that is not a multiple of 4", part.position);
                }
                return true;
            }
            if (part != input) {
                throw part.error("junk after a cpio archive", part.position);
            }
            byte[] head = input.peek(6);
            Compression c = compression(head);
            if (c == Compression.NONE) {
                throw input.error("neither a cpio archive nor a compression apt-ostree reads (" + unreadable(head) + ")",
                        input.position);
            }
            part = new Part(new PushbackInputStream(c.decompress(input.in), 8), c, input.position);
        }
    }

    /** The compressions of the kernel's decompress_method that a decoder is here for; LZMA-alone is 5d 00 00. */
    private static Compression compression(byte[] head) {
        Compression c = Compression.detect(head, head.length);
        if (c == Compression.NONE && head.length >= 3 && (head[0] & 0xff) == 0x5d && head[1] == 0 && head[2] == 0) {
            return Compression.LZMA;
        }
        return c;
    }

    private static String unreadable(byte[] head) {
        if (head.length >= 4 && head[0] == 0x02 && head[1] == 0x21 && head[2] == 0x4c && head[3] == 0x18) {
            return "lz4-compressed";
        }
        if (head.length >= 4 && (head[0] & 0xff) == 0x89 && head[1] == 'L' && head[2] == 'Z' && head[3] == 'O') {
            return "lzo-compressed";
        }
        StringBuilder s = new StringBuilder("starts with");
        for (byte b : head) {
            s.append(String.format(" %02x", b & 0xff));
        }
        return s.toString();
    }

    /** Reads what is left of the current entry (checking the crc format's sum) and its padding. */
    private void finishEntry() throws IOException {
        if (entry == null) {
            return;
        }
        byte[] scratch = new byte[8192];
        while (remaining > 0) {
            readData(scratch, 0, (int) Math.min(scratch.length, remaining));
        }
        // The kernel checks the sum of regular files only; cpio writes 0 for the others.
        if (crc && entry.isRegularFile() && entry.checksum() != (sum & 0xffffffffL)) {
            throw part.error(String.format("cpio checksum of '%s' is %08x, the data sums to %08x", entry.name(),
                    entry.checksum(), sum & 0xffffffffL), entry.offset());
        }
        skipPadding((int) (-entry.size() & 3), entry.offset());
        entry = null;
        if (current != null) {
            current.detach();
        }
        current = null;
    }

    private int readData(byte[] b, int off, int len) throws IOException {
        if (remaining == 0) {
            return -1;
        }
        int n = part.in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw part.error("truncated data of cpio entry '" + entry.name() + "'", part.position);
        }
        for (int i = off; i < off + n; i++) {
            sum += b[i] & 0xff;
        }
        part.position += n;
        remaining -= n;
        return n;
    }

    private void skipPadding(int n, long headerOffset) throws IOException {
        if (n > 0 && part.read(n).length < n) {
            throw part.error("truncated padding of cpio entry", headerOffset);
        }
    }

    private long hex(byte[] h, int off, String field, long headerOffset) throws DebFormatException {
        long v = 0;
        for (int i = off; i < off + 8; i++) {
            int d = Character.digit(h[i], 16);
            if (d < 0) {
                throw part.error("cpio header field " + field + " is not 8 hexadecimal digits", headerOffset + i);
            }
            v = v << 4 | d;
        }
        return v;
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return out.toString();
    }

    /** One part of the input: the input itself, or the decompressed data of its compressed rest. */
    private static final class Part {
        final PushbackInputStream in;
        final Compression compression;
        /** Where the compressed data starts in the input. */
        final long start;
        long position;

        Part(PushbackInputStream in, Compression compression, long start) {
            this.in = in;
            this.compression = compression;
            this.start = start;
        }

        int peek() throws IOException {
            int b = in.read();
            if (b >= 0) {
                in.unread(b);
            }
            return b;
        }

        byte[] peek(int n) throws IOException {
            byte[] b = in.readNBytes(n);
            in.unread(b);
            return b;
        }

        byte[] read(int n) throws IOException {
            byte[] b = in.readNBytes(n);
            position += b.length;
            return b;
        }

        DebFormatException error(String reason, long offset) {
            if (compression == Compression.NONE) {
                return DebFormatException.atOffset(reason, offset);
            }
            return DebFormatException.atOffset(reason + " in the " + compression.name().toLowerCase(java.util.Locale.ROOT)
                    + "-compressed data that starts at byte " + start + " (offset in the decompressed data)", offset);
        }
    }
}
