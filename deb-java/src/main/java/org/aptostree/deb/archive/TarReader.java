package org.aptostree.deb.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.aptostree.deb.DebFormatException;

/**
 * Streaming tar reader for the variants found in .deb members: v7, GNU ({@code L}/{@code K} long
 * names, base-256 numbers) and POSIX ustar (prefix), plus pax {@code x}/{@code g} extended headers
 * (path, linkpath, size, uid, gid, uname, gname, mtime), which GNU tar and so {@code dpkg-deb -c}
 * accept (dpkg's own unpacker does not; see {@link TarEntry#extended()}).
 *
 * <p>Every header checksum is verified (unsigned, or signed as some old tars wrote it); the archive
 * ends at the first all-zero block or at the end of the stream. A {@code 0} entry whose name ends in
 * {@code /} is a directory (pre-POSIX compatibility, as dpkg). GNU sparse, multi-volume, volume and
 * dump-dir entries are refused as dpkg refuses them.
 */
public final class TarReader {
    private static final int BLOCK = 512;
    /** Longest GNU long name / pax header accepted, so a hostile archive cannot exhaust memory. */
    private static final int MAX_META = 1 << 20;

    private final InputStream in;
    private final byte[] header = new byte[BLOCK];
    private long position;
    private long remaining;
    private long padding;
    private boolean ended;
    private final Map<String, String> globalPax = new HashMap<>();
    private EntryDataStream current;

    /** A reader of the (already decompressed) tar stream {@code in}. */
    public TarReader(InputStream in) {
        this.in = in;
    }

    /** The next entry, or null at the end of the archive; skips the rest of the previous entry's data. */
    public TarEntry next() throws IOException {
        skipRest();
        if (ended) {
            return null;
        }
        String longName = null;
        String longLink = null;
        Map<String, String> pax = null;
        while (true) {
            long headerOffset = position;
            int n = in.readNBytes(header, 0, BLOCK);
            position += n;
            if (n == 0) {
                ended = true;
                return null;
            }
            if (n < BLOCK) {
                throw DebFormatException.atOffset("truncated tar header", headerOffset);
            }
            if (isZeroBlock()) {
                if (longName != null || longLink != null || pax != null) {
                    throw DebFormatException.atOffset("tar extended header without an entry", headerOffset);
                }
                ended = true;
                return null;
            }
            verifyChecksum(headerOffset);
            char type = (char) (header[156] & 0xff);
            long size = number(124, 12, headerOffset, "size");
            if (size < 0) {
                throw DebFormatException.atOffset("negative tar entry size", headerOffset + 124);
            }
            switch (type) {
                case 'L' -> {
                    longName = cString(readMeta(size, headerOffset));
                    continue;
                }
                case 'K' -> {
                    longLink = cString(readMeta(size, headerOffset));
                    continue;
                }
                case 'x' -> {
                    pax = parsePax(readMeta(size, headerOffset), headerOffset, pax == null ? new HashMap<>() : pax);
                    continue;
                }
                case 'g' -> {
                    parsePax(readMeta(size, headerOffset), headerOffset, globalPax);
                    continue;
                }
                default -> {
                    return entry(type, size, headerOffset, longName, longLink, pax);
                }
            }
        }
    }

    /** The data of the current entry (regular files); end of stream after its size. Closing it does nothing. */
    public InputStream content() {
        if (current == null) {
            throw new IllegalStateException("no current entry");
        }
        return current;
    }

    private TarEntry entry(char typeFlag, long headerSize, long headerOffset, String longName, String longLink,
                           Map<String, String> localPax) throws IOException {
        Map<String, String> pax = globalPax;
        if (localPax != null) {
            pax = new HashMap<>(globalPax);
            pax.putAll(localPax);
        }
        boolean posix = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
                && header[261] == 'r' && header[262] == 0;
        String name = longName;
        if (name == null) {
            name = field(0, 100);
            if (posix) {
                String prefix = field(345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
        }
        String link = longLink != null ? longLink : field(157, 100);
        long size = headerSize;
        long uid = number(108, 8, headerOffset, "uid");
        long gid = number(116, 8, headerOffset, "gid");
        long mtime = number(136, 12, headerOffset, "mtime");
        String uname = field(265, 32);
        String gname = field(297, 32);
        if (!pax.isEmpty()) {
            name = pax.getOrDefault("path", name);
            link = pax.getOrDefault("linkpath", link);
            size = paxNumber(pax, "size", size, headerOffset);
            uid = paxNumber(pax, "uid", uid, headerOffset);
            gid = paxNumber(pax, "gid", gid, headerOffset);
            uname = pax.getOrDefault("uname", uname);
            gname = pax.getOrDefault("gname", gname);
            String m = pax.get("mtime");
            if (m != null) {
                int dot = m.indexOf('.');
                mtime = parsePaxLong(dot < 0 ? m : m.substring(0, dot), "mtime", headerOffset);
            }
        }
        if (name.isEmpty()) {
            throw DebFormatException.atOffset("invalid tar header with empty name field", headerOffset);
        }
        int mode = (int) (number(100, 8, headerOffset, "mode") & 07777);
        TarEntry.Type type;
        long major = 0;
        long minor = 0;
        switch (typeFlag) {
            case '0', '\0', '7' -> type = name.endsWith("/") && typeFlag != '7' ? TarEntry.Type.DIRECTORY : TarEntry.Type.FILE;
            case '1' -> type = TarEntry.Type.HARD_LINK;
            case '2' -> type = TarEntry.Type.SYMLINK;
            case '3' -> type = TarEntry.Type.CHAR_DEVICE;
            case '4' -> type = TarEntry.Type.BLOCK_DEVICE;
            case '5' -> type = TarEntry.Type.DIRECTORY;
            case '6' -> type = TarEntry.Type.FIFO;
            case 'V', 'M', 'S', 'D', 'N' -> throw DebFormatException.atOffset("unsupported GNU tar header type '" + typeFlag + "'", headerOffset);
            case 'X', 'A' -> throw DebFormatException.atOffset("unsupported Solaris tar header type '" + typeFlag + "'", headerOffset);
            default -> throw DebFormatException.atOffset("unknown tar header type '" + printable(typeFlag) + "'", headerOffset);
        }
        if (type == TarEntry.Type.CHAR_DEVICE || type == TarEntry.Type.BLOCK_DEVICE) {
            major = number(329, 8, headerOffset, "devmajor");
            minor = number(337, 8, headerOffset, "devminor");
        }
        boolean isLink = type == TarEntry.Type.SYMLINK || type == TarEntry.Type.HARD_LINK;
        if (isLink && link.isEmpty()) {
            throw DebFormatException.atOffset("tar link entry '" + name + "' without a target", headerOffset);
        }
        // Only regular files carry data; other entries' size field is skipped over but not exposed.
        long dataSize = size;
        remaining = dataSize;
        padding = (BLOCK - (dataSize % BLOCK)) % BLOCK;
        current = new EntryDataStream(this::readData);
        long shownSize = type == TarEntry.Type.FILE ? size : 0;
        return new TarEntry(name, type, mode, uid, gid, uname, gname, shownSize, mtime, isLink ? link : null,
                major, minor, localPax != null || !globalPax.isEmpty());
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\%03o", (int) c);
    }

    private boolean isZeroBlock() {
        for (byte b : header) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private void verifyChecksum(long headerOffset) throws DebFormatException {
        long stored = octal(148, 8);
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            byte b = (i >= 148 && i < 156) ? (byte) ' ' : header[i];
            unsigned += b & 0xff;
            signed += b;
        }
        if (stored != unsigned && stored != signed) {
            throw DebFormatException.atOffset("invalid tar header checksum", headerOffset);
        }
    }

    /** A numeric field: octal (space/NUL padded) or GNU base-256 when the first byte has its top bit set. */
    private long number(int off, int len, long headerOffset, String what) throws DebFormatException {
        int first = header[off] & 0xff;
        if (first == 0x80 || first == 0xff) {
            long v = first == 0xff ? -1 : 0;
            for (int i = off + 1; i < off + len; i++) {
                if (((v >> 55) != 0 && (v >> 55) != -1)) {
                    throw DebFormatException.atOffset("tar " + what + " field out of range", headerOffset + off);
                }
                v = (v << 8) | (header[i] & 0xff);
            }
            return v;
        }
        long v = octal(off, len);
        if (v < 0) {
            throw DebFormatException.atOffset("invalid tar " + what + " field", headerOffset + off);
        }
        return v;
    }

    /** Octal digits after optional leading spaces/NULs, up to a space or NUL; -1 when malformed. */
    private long octal(int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end && (header[i] == ' ' || header[i] == 0)) {
            i++;
        }
        long v = 0;
        for (; i < end && header[i] != ' ' && header[i] != 0; i++) {
            int d = header[i] - '0';
            if (d < 0 || d > 7 || v > (Long.MAX_VALUE >> 3)) {
                return -1;
            }
            v = (v << 3) | d;
        }
        for (; i < end; i++) {
            if (header[i] != ' ' && header[i] != 0) {
                return -1;
            }
        }
        return v;
    }

    private String field(int off, int len) {
        int end = off;
        while (end < off + len && header[end] != 0) {
            end++;
        }
        return new String(header, off, end - off, StandardCharsets.UTF_8);
    }

    private byte[] readMeta(long size, long headerOffset) throws IOException {
        if (size > MAX_META) {
            throw DebFormatException.atOffset("tar extended header too large", headerOffset);
        }
        byte[] data = in.readNBytes((int) size);
        position += data.length;
        if (data.length < size) {
            throw DebFormatException.atOffset("truncated tar extended header", headerOffset);
        }
        long pad = (BLOCK - (size % BLOCK)) % BLOCK;
        skipExactly(pad, headerOffset);
        return data;
    }

    private static String cString(byte[] data) {
        int end = 0;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return new String(data, 0, end, StandardCharsets.UTF_8);
    }

    /** pax records: {@code "<length> <key>=<value>\n"}, the length counting the whole record. */
    private static Map<String, String> parsePax(byte[] data, long headerOffset, Map<String, String> into) throws DebFormatException {
        int i = 0;
        while (i < data.length) {
            if (data[i] == 0) {
                break;
            }
            int space = i;
            long length = 0;
            while (space < data.length && data[space] >= '0' && data[space] <= '9' && length < Integer.MAX_VALUE) {
                length = length * 10 + (data[space] - '0');
                space++;
            }
            if (space == i || space >= data.length || data[space] != ' ' || length <= space - i + 1 || i + length > data.length
                    || data[(int) (i + length - 1)] != '\n') {
                throw DebFormatException.atOffset("malformed pax extended header", headerOffset);
            }
            int end = (int) (i + length - 1);
            int eq = space + 1;
            while (eq < end && data[eq] != '=') {
                eq++;
            }
            if (eq == end) {
                throw DebFormatException.atOffset("malformed pax extended header record", headerOffset);
            }
            String key = new String(data, space + 1, eq - space - 1, StandardCharsets.UTF_8);
            String value = new String(data, eq + 1, end - eq - 1, StandardCharsets.UTF_8);
            into.put(key, value);
            i = (int) (i + length);
        }
        return into;
    }

    private static long paxNumber(Map<String, String> pax, String key, long fallback, long headerOffset) throws DebFormatException {
        String v = pax.get(key);
        return v == null ? fallback : parsePaxLong(v, key, headerOffset);
    }

    private static long parsePaxLong(String v, String key, long headerOffset) throws DebFormatException {
        if (v.isEmpty() || v.length() > 18) {
            throw DebFormatException.atOffset("invalid pax " + key + " value", headerOffset);
        }
        long r = 0;
        int i = v.charAt(0) == '-' ? 1 : 0;
        if (i == v.length()) {
            throw DebFormatException.atOffset("invalid pax " + key + " value", headerOffset);
        }
        for (; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                throw DebFormatException.atOffset("invalid pax " + key + " value", headerOffset);
            }
            r = r * 10 + (c - '0');
        }
        if (v.charAt(0) == '-') {
            if (!key.equals("mtime")) {
                throw DebFormatException.atOffset("negative pax " + key + " value", headerOffset);
            }
            r = -r;
        }
        return r;
    }

    int readData(byte[] b, int off, int len) throws IOException {
        if (remaining == 0) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw DebFormatException.atOffset("truncated tar entry data", position);
        }
        position += n;
        remaining -= n;
        return n;
    }

    private void skipRest() throws IOException {
        if (current != null) {
            current.detach();
            current = null;
        }
        skipExactly(remaining, position);
        remaining = 0;
        // A missing final padding is tolerated: some writers end the stream right after the data.
        long skipped = skipUpTo(padding);
        if (skipped < padding) {
            ended = true;
        }
        padding = 0;
    }

    private void skipExactly(long n, long errorOffset) throws IOException {
        if (skipUpTo(n) < n) {
            throw DebFormatException.atOffset("truncated tar entry data", errorOffset);
        }
    }

    private long skipUpTo(long n) throws IOException {
        long done = 0;
        byte[] scratch = n > 0 ? new byte[(int) Math.min(n, 16384)] : null;
        while (done < n) {
            int r = in.read(scratch, 0, (int) Math.min(scratch.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
            position += r;
            if (remaining > 0) {
                remaining = Math.max(0, remaining - r);
            }
        }
        return done;
    }
}
