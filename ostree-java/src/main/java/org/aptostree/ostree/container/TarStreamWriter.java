package org.aptostree.ostree.container;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes a tar stream as the Rust {@code tar} crate's {@code Builder} does: GNU long-name entries for names over
 * 100 bytes (whose data is the name as given, before normalising), pax headers in a bare ustar header, and two
 * zero blocks at the end with no padding to a record size.
 */
final class TarStreamWriter {
    private static final byte[] ZEROS = new byte[TarHeader.BLOCK * 2];
    private final OutputStream out;
    private final byte[] buf = new byte[128 * 1024];

    TarStreamWriter(OutputStream out) {
        this.out = out;
    }

    /** {@code append_data}: name (long-name entry if needed), checksum, header, data, padding. */
    void appendData(TarHeader h, String path, InputStream data, long size) throws IOException {
        preparePath(h, path);
        h.setChecksum();
        append(h, data, size);
    }

    void appendData(TarHeader h, String path, byte[] data) throws IOException {
        preparePath(h, path);
        h.setChecksum();
        out.write(h.bytes());
        out.write(data);
        pad(data.length);
    }

    /** {@code append_link}: name and link name (each with a long entry if needed), then an empty entry. */
    void appendLink(TarHeader h, String path, String target) throws IOException {
        preparePath(h, path);
        prepareLink(h, target);
        h.setChecksum();
        out.write(h.bytes());
    }

    /** {@code append_pax_extensions}: one pax header with all records; nothing when there are none. */
    void appendPax(List<Map.Entry<String, byte[]>> records) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> r : records) {
            int keyLen = r.getKey().getBytes(StandardCharsets.UTF_8).length;
            int rest = 3 + keyLen + r.getValue().length;
            int lenLen = 1;
            long max = 10;
            while (rest + lenLen >= max) {
                lenLen++;
                max *= 10;
            }
            data.writeBytes(((rest + lenLen) + " " + r.getKey() + "=").getBytes(StandardCharsets.UTF_8));
            data.writeBytes(r.getValue());
            data.write('\n');
        }
        if (data.size() == 0) {
            return;
        }
        TarHeader h = TarHeader.ustar();
        h.setSize(data.size());
        h.setType(TarHeader.PAX);
        h.setChecksum();
        out.write(h.bytes());
        data.writeTo(out);
        pad(data.size());
    }

    void finish() throws IOException {
        out.write(ZEROS);
    }

    private void preparePath(TarHeader h, String path) throws IOException {
        try {
            h.setPath(path);
        } catch (IOException e) {
            byte[] data = path.getBytes(StandardCharsets.UTF_8);
            if (data.length < 100) {
                throw new IOException(e.getMessage() + " when setting path for " + path, e);
            }
            h.setTruncatedGnuPath(validUtf8Prefix(data, 100));
            longEntry(data, TarHeader.GNU_LONG_NAME);
        }
    }

    private void prepareLink(TarHeader h, String target) throws IOException {
        try {
            h.setLinkName(target);
        } catch (IOException e) {
            byte[] data = target.getBytes(StandardCharsets.UTF_8);
            if (data.length < 100) {
                throw new IOException(e.getMessage() + " when setting link name for " + target, e);
            }
            longEntry(data, TarHeader.GNU_LONG_LINK);
        }
    }

    private void longEntry(byte[] name, byte type) throws IOException {
        out.write(TarHeader.longNameHeader(name.length, type).bytes());
        out.write(name);
        out.write(0);
        pad(name.length + 1L);
    }

    private static String validUtf8Prefix(byte[] data, int max) {
        int end = Math.min(max, data.length);
        // Back off to a character boundary, as Rust's str::from_utf8(...).valid_up_to() does.
        while (end > 0 && end < data.length && (data[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(data, 0, end, StandardCharsets.UTF_8);
    }

    private void append(TarHeader h, InputStream data, long size) throws IOException {
        out.write(h.bytes());
        long left = size;
        while (left > 0) {
            int n = data.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("content ended " + left + " bytes before its announced size " + size);
            }
            out.write(buf, 0, n);
            left -= n;
        }
        pad(size);
    }

    private void pad(long len) throws IOException {
        int rem = (int) (len % TarHeader.BLOCK);
        if (rem != 0) {
            out.write(ZEROS, 0, TarHeader.BLOCK - rem);
        }
    }
}
