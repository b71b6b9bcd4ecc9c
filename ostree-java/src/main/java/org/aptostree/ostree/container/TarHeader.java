package org.aptostree.ostree.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A 512-byte tar header that is changed field by field exactly as the Rust {@code tar} crate changes its
 * {@code Header} (0.4.x), because ostree-ext builds its streams with that crate and we write the same bytes.
 * Quirks kept on purpose: numbers are zero-padded octal ending in NUL (7 checksum digits, not 6 + NUL + space);
 * a path or link name is written component by component, so a failed (too long) write leaves its first
 * components behind, and a shorter name written later leaves the tail of the earlier one after its NUL;
 * {@code "."} components are dropped except a lone one, which gives {@code "./"} for the root.
 */
final class TarHeader {
    static final int BLOCK = 512;
    static final byte REGULAR = '0';
    static final byte LINK = '1';
    static final byte SYMLINK = '2';
    static final byte DIRECTORY = '5';
    static final byte PAX = 'x';
    static final byte GNU_LONG_NAME = 'L';
    static final byte GNU_LONG_LINK = 'K';

    private static final int NAME = 0;
    private static final int MODE = 100;
    private static final int UID = 108;
    private static final int GID = 116;
    private static final int SIZE = 124;
    private static final int MTIME = 136;
    private static final int CKSUM = 148;
    private static final int TYPE = 156;
    private static final int LINKNAME = 157;
    private static final int MAGIC = 257;

    private final byte[] b;

    private TarHeader(byte[] b) {
        this.b = b;
    }

    /** {@code Header::new_gnu}: magic {@code "ustar "}, version {@code " \0"}, mtime 0. */
    static TarHeader gnu() {
        TarHeader h = new TarHeader(new byte[BLOCK]);
        System.arraycopy("ustar  \0".getBytes(StandardCharsets.US_ASCII), 0, h.b, MAGIC, 8);
        h.octal(MTIME, 12, 0);
        return h;
    }

    /** {@code Header::new_ustar}: magic {@code "ustar\0"}, version {@code "00"}, mtime 0. */
    static TarHeader ustar() {
        TarHeader h = new TarHeader(new byte[BLOCK]);
        System.arraycopy("ustar\00000".getBytes(StandardCharsets.US_ASCII), 0, h.b, MAGIC, 8);
        h.octal(MTIME, 12, 0);
        return h;
    }

    TarHeader copy() {
        return new TarHeader(b.clone());
    }

    void setMode(int mode) {
        octal(MODE, 8, mode & 0xFFFFFFFFL);
    }

    void setUid(long uid) {
        number(UID, 8, uid);
    }

    void setGid(long gid) {
        number(GID, 8, gid);
    }

    void setSize(long size) {
        number(SIZE, 12, size);
    }

    long size() {
        if ((b[SIZE] & 0x80) != 0) {
            long v = 0;
            for (int i = SIZE + 4; i < SIZE + 12; i++) {
                v = (v << 8) | (b[i] & 0xFF);
            }
            return v;
        }
        String s = new String(b, SIZE, 12, StandardCharsets.US_ASCII).replace("\0", "").trim();
        return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    }

    void setType(byte type) {
        b[TYPE] = type;
    }

    byte type() {
        return b[TYPE];
    }

    /** {@code set_path} of a GNU header: the name field, components as Rust's {@code Path::components} gives them. */
    void setPath(String path) throws IOException {
        copyPath(NAME, path, false, false);
    }

    void setTruncatedGnuPath(String path) throws IOException {
        copyPath(NAME, path, false, true);
    }

    void setLinkName(String path) throws IOException {
        copyPath(LINKNAME, path, true, false);
    }

    /** {@code set_link_name_literal}: the bytes as they are, for targets with {@code //} that normalising would change. */
    void setLinkNameLiteral(String target) throws IOException {
        byte[] bytes = target.getBytes(StandardCharsets.UTF_8);
        copyInto(LINKNAME, 100, bytes);
    }

    /** {@code set_cksum}: the sum of the header with the checksum field as spaces, as octal. */
    void setChecksum() {
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= CKSUM && i < CKSUM + 8) ? ' ' : (b[i] & 0xFF);
        }
        octal(CKSUM, 8, sum);
    }

    byte[] bytes() {
        return b;
    }

    /** Writes the name of a GNU long-name/long-link pseudo entry ({@code prepare_header} in the crate). */
    static TarHeader longNameHeader(long size, byte type) {
        TarHeader h = gnu();
        byte[] name = "././@LongLink".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, h.b, NAME, name.length);
        h.setMode(0644);
        h.setUid(0);
        h.setGid(0);
        h.octal(MTIME, 12, 0);
        h.setSize(size + 1);
        h.setType(type);
        h.setChecksum();
        return h;
    }

    // ------------------------------------------------------------------ encoding helpers

    /** {@code octal_into}: the last byte NUL, the digits right-aligned, zeros before; excess high digits dropped. */
    private void octal(int off, int len, long value) {
        String o = Long.toOctalString(value);
        b[off + len - 1] = 0;
        int j = o.length() - 1;
        for (int i = off + len - 2; i >= off; i--) {
            b[i] = j >= 0 ? (byte) o.charAt(j--) : (byte) '0';
        }
    }

    /** {@code num_field_wrapper_into}: octal, or GNU base-256 when the value does not fit. */
    private void number(int off, int len, long value) {
        if (Long.compareUnsigned(value, 8589934592L) >= 0 || (Long.compareUnsigned(value, 2097152L) >= 0 && len == 8)) {
            for (int i = 0; i < len - 8; i++) {
                b[off + i] = 0;
            }
            for (int i = 0; i < 8; i++) {
                b[off + len - 8 + i] = (byte) (value >>> (8 * (7 - i)));
            }
            b[off] |= (byte) 0x80;
        } else {
            octal(off, len, value);
        }
    }

    private void copyInto(int off, int room, byte[] bytes) throws IOException {
        if (bytes.length > room) {
            throw new IOException("provided value is too long");
        }
        for (byte x : bytes) {
            if (x == 0) {
                throw new IOException("provided value contains a nul byte");
            }
        }
        System.arraycopy(bytes, 0, b, off, bytes.length);
        if (bytes.length < room) {
            b[off + bytes.length] = 0;
        }
    }

    /** {@code copy_path_into_inner}: writes component by component into a 100-byte field. */
    private void copyPath(int field, String path, boolean isLinkName, boolean truncatedGnu) throws IOException {
        List<String> comps = components(path);
        int pos = field;
        int end = field + 100;
        boolean emitted = false;
        boolean needsSlash = false;
        for (int i = 0; i < comps.size(); i++) {
            String c = comps.get(i);
            if (!isLinkName) {
                if (c.equals("/")) {
                    throw new IOException("paths in archives must be relative");
                }
                if (c.equals("..") && (!truncatedGnu || i + 1 < comps.size())) {
                    throw new IOException("paths in archives must not have `..`");
                }
                if (c.equals(".") && comps.size() != 1) {
                    continue;
                }
            }
            if (needsSlash) {
                copyInto(pos, end - pos, new byte[] {'/'});
                pos++;
            }
            byte[] bytes = c.getBytes(StandardCharsets.UTF_8);
            copyInto(pos, end - pos, bytes);
            pos += bytes.length;
            if (!c.equals("/")) {
                needsSlash = true;
            }
            emitted = true;
        }
        if (!emitted) {
            throw new IOException("paths in archives must have at least one component");
        }
        if (path.endsWith("/")) {
            copyInto(pos, end - pos, new byte[] {'/'});
        }
    }

    /**
     * Rust's {@code Path::components} on Unix: a leading {@code /} is a root component, empty parts and {@code .}
     * are dropped except a {@code .} at the very start of a relative path.
     */
    static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        int i = 0;
        if (path.startsWith("/")) {
            out.add("/");
            i = 1;
        }
        String[] parts = path.substring(i).split("/", -1);
        for (int k = 0; k < parts.length; k++) {
            String p = parts[k];
            if (p.isEmpty()) {
                continue;
            }
            if (p.equals(".")) {
                if (k == 0 && i == 0) {
                    out.add(".");
                }
                continue;
            }
            out.add(p);
        }
        return out;
    }

    @Override
    public String toString() {
        return Arrays.toString(b);
    }
}
