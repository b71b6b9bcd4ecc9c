package org.aptostree.ostree.repo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.Xattr;

/**
 * A tar stream whose members' xattrs are taken as libarchive 3.6 (what ostree's {@code --tree=tar=} reads with)
 * takes them. commons-compress decodes pax values as UTF-8, which changes binary values, drops a record whose
 * value is empty and keeps no order; so the raw records of each member's pax header are kept as commons-compress
 * reads them, and the xattrs parsed from those.
 */
final class PaxTarInputStream extends TarArchiveInputStream {
    private static final String SCHILY = "SCHILY.xattr.";
    private static final String LIBARCHIVE = "LIBARCHIVE.xattr.";
    private static final String RHT_SELINUX = "RHT.security.selinux";

    private final ByteArrayOutputStream paxRecords = new ByteArrayOutputStream();
    /** commons-compress reads the member after a pax header by calling {@link #getNextEntry} from within itself. */
    private int depth;

    PaxTarInputStream(InputStream in) {
        super(in, StandardCharsets.UTF_8.name());
    }

    @Override
    public TarArchiveEntry getNextEntry() throws IOException {
        if (depth == 0) {
            paxRecords.reset();
        }
        depth++;
        try {
            return super.getNextEntry();
        } finally {
            depth--;
        }
    }

    @Override
    public int read(byte[] buf, int offset, int length) throws IOException {
        int n = super.read(buf, offset, length);
        TarArchiveEntry current = getCurrentEntry();
        if (n > 0 && depth > 0 && current != null && current.isPaxHeader()) {
            paxRecords.write(buf, offset, n);
        }
        return n;
    }

    /**
     * The xattrs of the current member: its {@code SCHILY.xattr.*}, {@code LIBARCHIVE.xattr.*} (URL-encoded name,
     * base64 value) and {@code RHT.security.selinux} records, empty values included, in the reverse of their order
     * in the header (libarchive puts each new one at the head of its list).
     */
    List<Xattr> xattrs() throws OstreeFormatException {
        byte[] records = paxRecords.toByteArray();
        List<Xattr> xattrs = new ArrayList<>();
        int pos = 0;
        while (pos < records.length) {
            int space = pos;
            long length = 0;
            while (space < records.length && records[space] >= '0' && records[space] <= '9' && length <= 999_999) {
                length = length * 10 + (records[space++] - '0');
            }
            if (space >= records.length || records[space] != ' ' || length < 1 || length > records.length - pos
                    || records[pos + (int) length - 1] != '\n') {
                throw new OstreeFormatException("malformed pax extended header record at offset " + pos);
            }
            int end = pos + (int) length - 1;
            int eq = space + 1;
            while (eq < end && records[eq] != '=') {
                eq++;
            }
            if (eq == end) {
                throw new OstreeFormatException("pax extended header record without '=' at offset " + pos);
            }
            String key = new String(records, space + 1, eq - space - 1, StandardCharsets.UTF_8);
            byte[] value = Arrays.copyOfRange(records, eq + 1, end);
            if (key.startsWith(SCHILY) && key.length() > SCHILY.length()) {
                xattrs.add(0, new Xattr(key.substring(SCHILY.length()), value));
            } else if (key.startsWith(LIBARCHIVE) && key.length() > LIBARCHIVE.length()) {
                xattrs.add(0, new Xattr(urlDecode(key.substring(LIBARCHIVE.length())), base64Decode(value)));
            } else if (key.equals(RHT_SELINUX)) {
                xattrs.add(0, new Xattr("security.selinux", value));
            }
            pos += (int) length;
        }
        return xattrs;
    }

    /**
     * libarchive's url_decode: {@code %XX} becomes a byte; a {@code %} not followed by two hex digits stays. The name
     * is a C string to libarchive, so a decoded NUL ends it.
     */
    private static String urlDecode(String in) {
        byte[] s = in.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length);
        for (int i = 0; i < s.length; i++) {
            if (s[i] == '%' && i + 2 < s.length) {
                int hi = Character.digit(s[i + 1], 16);
                int lo = Character.digit(s[i + 2], 16);
                if (hi >= 0 && lo >= 0) {
                    if ((hi << 4 | lo) == 0) {
                        break;
                    }
                    out.write(hi << 4 | lo);
                    i += 2;
                    continue;
                }
            }
            out.write(s[i]);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * libarchive's lenient base64_decode: it stops at the first NUL, '=' or '_', skips characters outside the
     * alphabet and drops a final group of one character.
     */
    private static byte[] base64Decode(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        int bits = 0;
        int group = 0;
        for (byte b : in) {
            if (b == 0 || b == '=' || b == '_') {
                break;
            }
            int d = b >= 'A' && b <= 'Z' ? b - 'A' : b >= 'a' && b <= 'z' ? b - 'a' + 26 : b >= '0' && b <= '9' ? b - '0' + 52
                    : b == '+' ? 62 : b == '/' ? 63 : -1;
            if (d < 0) {
                continue;
            }
            bits = bits << 6 | d;
            if (++group == 4) {
                out.write(bits >> 16);
                out.write(bits >> 8);
                out.write(bits);
                bits = 0;
                group = 0;
            }
        }
        if (group >= 2) {
            bits <<= 6 * (4 - group);
            out.write(bits >> 16);
            if (group == 3) {
                out.write(bits >> 8);
            }
        }
        return out.toByteArray();
    }
}
