package org.aptostree.deb.compression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

import com.github.luben.zstd.ZstdOutputStream;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A compressed file reads back as what was compressed, whether it is small enough to be decoded by the reader itself
 * or decoded ahead of it; a cut-off file is an error either way.
 */
class CompressedFileTest {

    enum Kind { GZIP, XZ, ZSTD, BZIP2 }

    @Property(tries = 60)
    void aFileDecodesToItsContentAtEverySize(@ForAll Kind kind, @ForAll @IntRange(min = 0, max = 160_000) int size,
            @ForAll @IntRange(min = 2, max = 256) int alphabet, @ForAll long seed) throws IOException {
        // A small alphabet compresses well, a large one hardly: both sides of the inline limit are reached.
        byte[] content = new byte[size];
        Random random = new Random(seed);
        for (int i = 0; i < size; i++) {
            content[i] = (byte) random.nextInt(alphabet);
        }
        Path file = Files.createTempFile("compressed", "." + kind);
        try {
            Files.write(file, compress(kind, content));
            try (InputStream in = compression(kind).decompressFile(file)) {
                assertArrayEquals(content, in.readAllBytes());
            }
        } finally {
            Files.delete(file);
        }
    }

    @Property(tries = 30)
    void aCutOffFileIsAnError(@ForAll Kind kind, @ForAll @IntRange(min = 1_000, max = 160_000) int size, @ForAll long seed)
            throws IOException {
        byte[] content = new byte[size];
        new Random(seed).nextBytes(content);
        byte[] compressed = compress(kind, content);
        Path file = Files.createTempFile("cut", "." + kind);
        try {
            Files.write(file, Arrays.copyOf(compressed, compressed.length / 2));
            assertThrows(IOException.class, () -> {
                try (InputStream in = compression(kind).decompressFile(file)) {
                    in.readAllBytes();
                }
            });
        } finally {
            Files.delete(file);
        }
    }

    private static Compression compression(Kind kind) {
        return Compression.valueOf(kind.name());
    }

    private static byte[] compress(Kind kind, byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = switch (kind) {
            case GZIP -> new GZIPOutputStream(bytes);
            case XZ -> new XZOutputStream(bytes, new LZMA2Options(1));
            case ZSTD -> new ZstdOutputStream(bytes);
            case BZIP2 -> new BZip2CompressorOutputStream(bytes);
        }) {
            out.write(content);
        }
        return bytes.toByteArray();
    }
}
