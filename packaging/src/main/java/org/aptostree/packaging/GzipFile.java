package org.aptostree.packaging;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * gzip data as {@code gzip -9n} makes it, which Debian's policy asks of man pages and changelogs: no name, no time
 * (so the package is reproducible), and the header's flag byte saying "maximum compression" (which lintian checks;
 * the JDK's GZIPOutputStream writes 0 there).
 */
final class GzipFile {
    private GzipFile() {
    }

    static byte[] compress(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
        // Magic, deflate, no flags, mtime 0, XFL 2 (best compression), OS 3 (Unix) as gzip writes on Linux.
        out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 2, 3});
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(data);
        deflater.finish();
        byte[] buffer = new byte[8192];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        CRC32 crc = new CRC32();
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue()).putInt(data.length).array());
        return out.toByteArray();
    }
}
