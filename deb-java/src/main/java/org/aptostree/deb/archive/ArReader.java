package org.aptostree.deb.archive;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.aptostree.deb.DebFormatException;

/**
 * Streaming reader of the common ar format as dpkg accepts it (lib/dpkg/ar.c): the magic
 * {@code !<arch>\n}, 60-byte headers ending in {@code `\n}, names padded with spaces and optionally
 * ended by {@code /}, decimal sizes, odd-sized members padded with one byte. No GNU/BSD long-name
 * tables (dpkg has none either).
 *
 * <pre>{@code
 * ArReader ar = new ArReader(in);
 * for (ArMember m = ar.next(); m != null; m = ar.next()) { InputStream data = ar.content(); ... }
 * }</pre>
 */
public final class ArReader implements Closeable {
    static final byte[] MAGIC = "!<arch>\n".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 60;

    private final InputStream in;
    private long position;
    private long remaining;
    private boolean pad;
    private EntryDataStream current;
    private ArMember member;

    /**
     * Reads and checks the global magic.
     *
     * @throws DebFormatException "bad ar magic" when the stream is not an ar archive
     */
    public ArReader(InputStream in) throws IOException {
        this.in = in;
        byte[] magic = readUpTo(MAGIC.length);
        if (magic.length != MAGIC.length || !java.util.Arrays.equals(magic, MAGIC)) {
            throw DebFormatException.atOffset("bad ar magic: not an ar archive", 0);
        }
    }

    /** The next member's header, or null at the end; skips whatever is left of the previous member. */
    public ArMember next() throws IOException {
        skipRest();
        long headerOffset = position;
        byte[] h = readUpTo(HEADER);
        if (h.length == 0) {
            return null;
        }
        if (h.length < HEADER) {
            throw DebFormatException.atOffset("truncated ar member header", headerOffset);
        }
        if (h[58] != '`' || h[59] != '\n') {
            throw DebFormatException.atOffset("corrupt ar member header: bad header magic", headerOffset);
        }
        String name = normalizeName(h);
        long size = parseSize(h, headerOffset, name);
        ArMember member = new ArMember(name, lenientDecimal(h, 16, 12), lenientDecimal(h, 28, 6),
                lenientDecimal(h, 34, 6), (int) lenientOctal(h, 40, 8), size, headerOffset);
        remaining = size;
        pad = (size & 1) == 1;
        this.member = member;
        current = new EntryDataStream((b, off, len) -> readMember(b, off, len, member));
        return member;
    }

    /** The current member's data; reading past its size returns end of stream. Closing it does nothing. */
    public InputStream content() {
        if (current == null) {
            throw new IllegalStateException("no current member");
        }
        return current;
    }

    /** Byte offset reached in the archive. */
    public long position() {
        return position;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    int readMember(byte[] b, int off, int len, ArMember member) throws IOException {
        if (remaining == 0) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw DebFormatException.atOffset("truncated ar member '" + member.name() + "'", position);
        }
        position += n;
        remaining -= n;
        return n;
    }

    private void skipRest() throws IOException {
        byte[] scratch = null;
        while (remaining > 0) {
            if (scratch == null) {
                scratch = new byte[8192];
            }
            int n = in.read(scratch, 0, (int) Math.min(scratch.length, remaining));
            if (n < 0) {
                throw DebFormatException.atOffset("truncated ar member '" + member.name() + "'", position);
            }
            position += n;
            remaining -= n;
        }
        if (pad) {
            pad = false;
            // dpkg tolerates a missing final padding byte only as far as the archive then ends.
            if (in.read() >= 0) {
                position++;
            }
        }
        if (current != null) {
            current.detach();
        }
        current = null;
    }

    private byte[] readUpTo(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        position += b.length;
        return b;
    }

    private static String normalizeName(byte[] h) {
        int end = 16;
        while (end > 0 && h[end - 1] == ' ') {
            end--;
        }
        if (end > 0 && h[end - 1] == '/') {
            end--;
        }
        return new String(h, 0, end, StandardCharsets.ISO_8859_1);
    }

    /** dpkg_ar_member_parse_size: leading spaces, then digits up to a space or the field end. */
    private static long parseSize(byte[] h, long headerOffset, String name) throws DebFormatException {
        int i = 48;
        int end = 58;
        while (i < end && h[i] == ' ') {
            i++;
        }
        long size = 0;
        int digits = 0;
        for (; i < end && h[i] != ' '; i++) {
            byte c = h[i];
            if (c < '0' || c > '9') {
                throw DebFormatException.atOffset("invalid character '" + (char) (c & 0xff) + "' in ar member '"
                        + name + "' size", headerOffset + i);
            }
            size = size * 10 + (c - '0');
            digits++;
        }
        if (digits == 0) {
            throw DebFormatException.atOffset("empty size in ar member '" + name + "'", headerOffset + 48);
        }
        return size;
    }

    private static long lenientDecimal(byte[] h, int off, int len) {
        return lenient(h, off, len, 10);
    }

    private static long lenientOctal(byte[] h, int off, int len) {
        return lenient(h, off, len, 8);
    }

    private static long lenient(byte[] h, int off, int len, int radix) {
        int i = off;
        while (i < off + len && h[i] == ' ') {
            i++;
        }
        long v = 0;
        for (; i < off + len && h[i] != ' '; i++) {
            int d = h[i] - '0';
            if (d < 0 || d >= radix) {
                return 0;
            }
            v = v * radix + d;
        }
        return v;
    }
}
