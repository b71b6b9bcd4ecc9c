package org.aptostree.deb.compression;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.aptostree.deb.DebFormatException;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.LZMAInputStream;
import org.tukaani.xz.XZInputStream;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;

/**
 * The compressions dpkg and APT use, by file extension, with streaming decoders.
 *
 * <p>Decoders never throw the codec's own exceptions: corrupt or truncated compressed data surfaces
 * as {@link DebFormatException} with the compressed-stream offset; only I/O errors of the source
 * stream pass through unchanged.
 */
public enum Compression {
    NONE(""),
    GZIP(".gz"),
    XZ(".xz"),
    ZSTD(".zst"),
    BZIP2(".bz2"),
    LZMA(".lzma");

    /** Memory limit for the xz/lzma dictionary, as dpkg does not need more than a 64 MiB preset. */
    static final int XZ_MEMORY_LIMIT_KIB = 256 * 1024;

    private final String extension;

    Compression(String extension) {
        this.extension = extension;
    }

    /** The file name suffix, e.g. {@code ".xz"}; empty for {@link #NONE}. */
    public String extension() {
        return extension;
    }

    /** The compression whose extension ends {@code name} ({@link #NONE} when no known one does). */
    public static Compression fromFileName(String name) {
        for (Compression c : values()) {
            if (c != NONE && name.endsWith(c.extension)) {
                return c;
            }
        }
        return NONE;
    }

    /**
     * The compression recognised from the first bytes of a stream (at least 6 bytes for xz), or
     * {@link #NONE}. LZMA-alone has no magic and is never detected.
     */
    public static Compression detect(byte[] head, int length) {
        if (length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return GZIP;
        }
        if (length >= 6 && (head[0] & 0xff) == 0xfd && head[1] == '7' && head[2] == 'z' && head[3] == 'X'
                && head[4] == 'Z' && head[5] == 0) {
            return XZ;
        }
        if (length >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f
                && (head[3] & 0xff) == 0xfd) {
            return ZSTD;
        }
        if (length >= 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h') {
            return BZIP2;
        }
        return NONE;
    }

    /**
     * Like {@link #decompress}, but decoding runs on a background thread ahead of the reader (up to
     * 8 MiB), so that decompressing and parsing a large index use two cores. Close the stream to
     * stop the thread early.
     */
    public InputStream decompressAhead(InputStream compressed) throws IOException {
        return new ReadAheadStream(decompress(compressed));
    }

    /**
     * Compressed files up to this size are decoded by the reader itself: a thread ahead of it costs more to start and
     * feed than decoding them takes (a layering's own repository has indexes of a few hundred bytes).
     */
    private static final long INLINE_LIMIT = 64 * 1024;

    /**
     * The decompressed content of a file, decoded ahead of the reader unless the file is small: an xz file of several
     * blocks is decoded on all cores at once, anything else on one thread ahead (see {@link #decompressAhead}).
     */
    public InputStream decompressFile(Path file) throws IOException {
        boolean small = this != NONE && Files.size(file) <= INLINE_LIMIT;
        if (this == XZ && !small) {
            InputStream parallel = XzBlockStream.open(file);
            if (parallel != null) {
                return parallel;
            }
        }
        InputStream raw = Files.newInputStream(file);
        try {
            return this == NONE ? raw : small ? decompress(raw) : decompressAhead(raw);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /**
     * A stream of the decompressed bytes of {@code compressed}. Closing it closes {@code compressed}.
     *
     * @throws DebFormatException when the header is not valid for this compression
     */
    public InputStream decompress(InputStream compressed) throws IOException {
        SourceStream source = new SourceStream(compressed);
        try {
            InputStream decoder = switch (this) {
                case NONE -> source;
                case GZIP -> new GZIPInputStream(source, 65536);
                // Dictionary buffers (8 MiB for Debian's packages) are reused from stream to stream instead of
                // being allocated and zeroed for each package.
                case XZ -> new XZInputStream(source, XZ_MEMORY_LIMIT_KIB, true, BasicArrayCache.getInstance());
                case ZSTD -> new ZstdInputStreamNoFinalizer(source);
                case BZIP2 -> new BZip2CompressorInputStream(source, true);
                case LZMA -> new LZMAInputStream(source, XZ_MEMORY_LIMIT_KIB, BasicArrayCache.getInstance());
            };
            return this == NONE ? source : new DecodedStream(this, source, decoder);
        } catch (IOException | RuntimeException e) {
            throw source.translate(this, e);
        }
    }
}
