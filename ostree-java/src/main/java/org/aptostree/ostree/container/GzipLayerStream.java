package org.aptostree.ostree.container;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import org.aptostree.ostree.oci.Digest;

/**
 * A layer's tar stream on its way into a gzip blob: computes the diff_id (SHA-256 of the uncompressed tar) and
 * writes a gzip member with flate2's header (no name, mtime 0, OS 255), so the same tar always gives the same
 * blob.
 */
final class GzipLayerStream extends OutputStream {
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    private final OutputStream out;
    private final Deflater deflater;
    private final CRC32 crc = new CRC32();
    private final MessageDigest diffId = Digest.newSha256();
    private final byte[] buf = new byte[128 * 1024];
    private final byte[] one = new byte[1];
    private long size;
    private boolean finished;

    GzipLayerStream(OutputStream out, int level) throws IOException {
        this.out = out;
        this.deflater = new Deflater(level, true);
        out.write(HEADER);
    }

    @Override
    public void write(int b) throws IOException {
        one[0] = (byte) b;
        write(one, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        crc.update(b, off, len);
        diffId.update(b, off, len);
        size += len;
        deflater.setInput(b, off, len);
        while (!deflater.needsInput()) {
            int n = deflater.deflate(buf, 0, buf.length, Deflater.NO_FLUSH);
            if (n > 0) {
                out.write(buf, 0, n);
            }
        }
    }

    /** Ends the gzip member (without closing the blob) and returns the diff_id. */
    Digest finish() throws IOException {
        if (finished) {
            throw new IllegalStateException("finished twice");
        }
        finished = true;
        deflater.finish();
        while (!deflater.finished()) {
            int n = deflater.deflate(buf, 0, buf.length);
            if (n > 0) {
                out.write(buf, 0, n);
            }
        }
        deflater.end();
        long c = crc.getValue();
        out.write(new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
            (byte) size, (byte) (size >> 8), (byte) (size >> 16), (byte) (size >> 24)});
        return Digest.of(diffId);
    }

    /** Frees the native deflater if the stream is abandoned before {@link #finish}. */
    void abandon() {
        if (!finished) {
            deflater.end();
        }
    }
}
