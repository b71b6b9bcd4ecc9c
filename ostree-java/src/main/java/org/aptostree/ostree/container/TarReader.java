package org.aptostree.ostree.container;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.aptostree.ostree.OstreeFormatException;

/**
 * A sequential tar reader for the import of ostree layers, which hold tens of thousands of small members (a third of
 * them directories): one header buffer for the whole stream, names made without a charset decoder, nothing allocated
 * for members that are skipped. commons-compress's reader costs several times more per member, which made the tar
 * parsing a large part of an import. It reads what ostree-ext and our {@link TarHeader} write
 * and what other tar writers give the same members: v7, POSIX ustar (with the name prefix) and GNU headers, GNU long
 * names and link names ({@code L}, {@code K}), pax extended headers ({@code x}, and global {@code g}) for
 * {@code path}, {@code linkpath}, {@code size}, {@code uid} and {@code gid}, and base-256 numbers. Sparse members
 * are refused. The stream ends at the first all-zero block; nothing after it is read.
 */
final class TarReader {
    static final byte REGULAR = '0';
    static final byte REGULAR_OLD = 0;
    static final byte CONTIGUOUS = '7';
    static final byte LINK = '1';
    static final byte SYMLINK = '2';
    static final byte DIRECTORY = '5';
    /** GNU long names, link names and pax records longer than this are refused rather than held in memory. */
    static final int MAX_EXTENSION = 1 << 20;

    private static final int BLOCK = 512;

    private final InputStream in;
    private final byte[] header = new byte[BLOCK];
    /** Skipped data is read, not skipped: a decompressing stream's skip would pass its bounds and its checks by. */
    private final byte[] skipBuffer = new byte[16 * 1024];
    private final Map<String, String> globalPax = new HashMap<>();
    /** Bytes consumed from the stream, for messages. */
    private long offset;
    private long remaining;
    private int padding;
    private long headerOffset;
    private Entry current;

    /** One member: its type flag, name (with any extension applied), link name, mode bits, owner and data size. */
    record Entry(byte type, String name, String linkName, int mode, long uid, long gid, long size) {
        boolean isDirectory() {
            return type == DIRECTORY;
        }

        /** A regular file: {@code '0'}, the old {@code NUL} flag, or {@code '7'} (contiguous, read as regular). */
        boolean isFile() {
            return type == REGULAR || type == REGULAR_OLD || type == CONTIGUOUS;
        }

        boolean isHardLink() {
            return type == LINK;
        }

        boolean isSymbolicLink() {
            return type == SYMLINK;
        }
    }

    TarReader(InputStream in) {
        this.in = in;
    }

    private OstreeFormatException error(long at, String message) {
        return new OstreeFormatException("tar member at offset " + at + ": " + message);
    }

    /** The next member, its data unread, or null at the end of the archive. */
    Entry next() throws IOException, OstreeFormatException {
        skipData();
        current = null;
        String longName = null;
        String longLink = null;
        Map<String, String> pax = null;
        while (true) {
            headerOffset = offset;
            if (!readBlock(header)) {
                if (longName != null || longLink != null || pax != null) {
                    throw error(headerOffset, "the archive ends after an extended header");
                }
                // A stream that simply stops is taken as ended, as tar does; ostree-ext's streams always end in zeros.
                return null;
            }
            if (isZero(header)) {
                if (longName != null || longLink != null || pax != null) {
                    throw error(headerOffset, "an extended header is followed by the end of the archive");
                }
                return null;
            }
            verifyChecksum();
            byte type = header[156];
            long size = number(124, 12, "size");
            if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
                byte[] data = extension(size);
                switch (type) {
                    case 'L' -> longName = cString(data, 0, data.length);
                    case 'K' -> longLink = cString(data, 0, data.length);
                    case 'x' -> {
                        pax = pax == null ? new HashMap<>() : pax;
                        parsePax(data, pax);
                    }
                    default -> parsePax(data, globalPax);
                }
                continue;
            }
            if (type == 'S') {
                throw error(headerOffset, "sparse members are not supported");
            }
            String name = cString(header, 0, 100);
            if (isUstar()) {
                String prefix = cString(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
            String link = cString(header, 157, 100);
            long uid = number(108, 8, "uid");
            long gid = number(116, 8, "gid");
            int mode = (int) number(100, 8, "mode");
            if (longName != null) {
                name = longName;
            }
            if (longLink != null) {
                link = longLink;
            }
            String v;
            if ((v = paxValue(pax, "path")) != null) {
                name = v;
            }
            if ((v = paxValue(pax, "linkpath")) != null) {
                link = v;
            }
            size = paxNumber(pax, "size", size);
            uid = paxNumber(pax, "uid", uid);
            gid = paxNumber(pax, "gid", gid);
            if (paxValue(pax, "GNU.sparse.map") != null || paxValue(pax, "GNU.sparse.size") != null
                    || paxValue(pax, "GNU.sparse.major") != null) {
                throw error(headerOffset, "sparse members are not supported");
            }
            remaining = size;
            padding = padding(size);
            current = new Entry(type, name, link, mode, uid, gid, size);
            return current;
        }
    }

    /** The pax value of a key: the member's own, else the archive's global one. */
    private String paxValue(Map<String, String> pax, String key) {
        String v = pax == null ? null : pax.get(key);
        return v != null ? v : globalPax.get(key);
    }

    private long paxNumber(Map<String, String> pax, String key, long otherwise) throws OstreeFormatException {
        String v = paxValue(pax, key);
        if (v == null) {
            return otherwise;
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw error(headerOffset, "negative pax " + key + " " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw error(headerOffset, "invalid pax " + key + " '" + v + "'");
        }
    }

    /** The current member's data, up to its size; reading it is optional (the next {@link #next} skips what is left). */
    int read(byte[] b, int off, int len) throws IOException, OstreeFormatException {
        if (remaining <= 0) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw error(headerOffset, "the archive ends inside the data of " + current.name());
        }
        remaining -= n;
        offset += n;
        return n;
    }

    /** The current member's data as a stream (not to be closed), which ends with the data. */
    InputStream data() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                try {
                    return TarReader.this.read(b, off, len);
                } catch (OstreeFormatException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
        };
    }

    /** The whole data of the current member, which the caller has checked is small. */
    byte[] readAll() throws IOException, OstreeFormatException {
        byte[] out = new byte[(int) remaining];
        int at = 0;
        while (at < out.length) {
            int n = read(out, at, out.length - at);
            if (n < 0) {
                break;
            }
            at += n;
        }
        return out;
    }

    private void skipData() throws IOException, OstreeFormatException {
        skip(remaining + padding);
        remaining = 0;
        padding = 0;
    }

    private void skip(long n) throws IOException, OstreeFormatException {
        long left = n;
        while (left > 0) {
            int k = in.read(skipBuffer, 0, (int) Math.min(skipBuffer.length, left));
            if (k < 0) {
                throw error(headerOffset, "the archive ends inside the data of " + (current == null ? "a member" : current.name()));
            }
            left -= k;
            offset += k;
        }
    }

    private static int padding(long size) {
        return (int) ((BLOCK - size % BLOCK) % BLOCK);
    }

    /** Reads one block; false when the stream has ended before it, an error when it ends inside it. */
    private boolean readBlock(byte[] b) throws IOException, OstreeFormatException {
        int n = in.readNBytes(b, 0, BLOCK);
        offset += n;
        if (n == 0) {
            return false;
        }
        if (n < BLOCK) {
            throw error(headerOffset, "the archive ends inside a header");
        }
        return true;
    }

    private byte[] extension(long size) throws IOException, OstreeFormatException {
        if (size > MAX_EXTENSION) {
            throw error(headerOffset, "extended header of " + size + " bytes exceeds " + MAX_EXTENSION);
        }
        byte[] data = new byte[(int) size];
        int n = in.readNBytes(data, 0, data.length);
        offset += n;
        if (n < data.length) {
            throw error(headerOffset, "the archive ends inside an extended header");
        }
        skip(padding(size));
        return data;
    }

    /** pax records: {@code "<length> <key>=<value>\n"}, the length counting the whole record. */
    private void parsePax(byte[] d, Map<String, String> into) throws OstreeFormatException {
        int p = 0;
        while (p < d.length) {
            int space = p;
            long len = 0;
            while (space < d.length && d[space] >= '0' && d[space] <= '9' && len < d.length) {
                len = len * 10 + (d[space] - '0');
                space++;
            }
            if (space == p || space >= d.length || d[space] != ' ' || len <= space - p + 1 || p + len > d.length
                    || d[(int) (p + len - 1)] != '\n') {
                throw error(headerOffset, "invalid pax record at " + p);
            }
            int end = (int) (p + len - 1);
            int eq = space + 1;
            while (eq < end && d[eq] != '=') {
                eq++;
            }
            if (eq == end || eq == space + 1) {
                throw error(headerOffset, "invalid pax record at " + p);
            }
            String key = new String(d, space + 1, eq - space - 1, StandardCharsets.UTF_8);
            // Binary values (xattrs) are of no use here; the keys that matter are text.
            into.put(key, new String(d, eq + 1, end - eq - 1, StandardCharsets.UTF_8));
            p = end + 1;
        }
    }

    private boolean isUstar() {
        // POSIX "ustar\0" + "00"; GNU's "ustar  \0" has no prefix field (those bytes hold times).
        return header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a' && header[261] == 'r'
                && header[262] == 0;
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private void verifyChecksum() throws OstreeFormatException {
        long stored = number(148, 8, "checksum");
        // The sum of the header with its checksum field counted as spaces.
        long unsigned = 8 * ' ';
        for (int i = 0; i < 148; i++) {
            unsigned += header[i] & 0xFF;
        }
        for (int i = 156; i < BLOCK; i++) {
            unsigned += header[i] & 0xFF;
        }
        if (stored == unsigned) {
            return;
        }
        // Some old writers summed signed bytes; that sum is accepted too, as by GNU tar.
        long signed = 8 * ' ';
        for (int i = 0; i < BLOCK; i++) {
            signed += i >= 148 && i < 156 ? 0 : header[i];
        }
        if (stored != signed) {
            throw error(headerOffset, "header checksum " + stored + " does not match the header (" + unsigned + ")");
        }
    }

    /** A numeric field: octal, space or NUL padded, or GNU base-256 (first byte 0x80). Negative numbers are refused. */
    private long number(int off, int len, String what) throws OstreeFormatException {
        byte first = header[off];
        if ((first & 0x80) != 0) {
            if (first != (byte) 0x80) {
                throw error(headerOffset, "negative or invalid base-256 " + what);
            }
            long v = 0;
            for (int i = 1; i < len; i++) {
                if ((v >>> 55) != 0) {
                    throw error(headerOffset, what + " too large");
                }
                v = (v << 8) | (header[off + i] & 0xFF);
            }
            return v;
        }
        int i = off;
        int end = off + len;
        while (i < end && (header[i] == ' ' || header[i] == 0)) {
            i++;
        }
        long v = 0;
        for (; i < end; i++) {
            byte c = header[i];
            if (c == 0 || c == ' ') {
                break;
            }
            if (c < '0' || c > '7') {
                throw error(headerOffset, "invalid octal " + what);
            }
            v = (v << 3) + (c - '0');
        }
        for (; i < end; i++) {
            if (header[i] != 0 && header[i] != ' ') {
                throw error(headerOffset, "invalid octal " + what);
            }
        }
        return v;
    }

    /** A NUL-terminated (or full-length) UTF-8 string (the JDK copies ASCII without a decoder). */
    private static String cString(byte[] b, int off, int len) {
        int end = off;
        int limit = off + len;
        while (end < limit && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }
}
