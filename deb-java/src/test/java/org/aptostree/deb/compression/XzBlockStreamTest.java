package org.aptostree.deb.compression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.aptostree.deb.DebFormatException;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Decoding an xz file block by block on several threads gives exactly what decoding it as one stream gives. */
class XzBlockStreamTest {

    @Property(tries = 30)
    void parallelBlocksDecodeToTheSameBytes(@ForAll @IntRange(min = 1, max = 7) int blocks,
            @ForAll @IntRange(min = 0, max = 300_000) int blockSize, @ForAll long seed) throws IOException {
        byte[][] parts = new byte[blocks][];
        Random random = new Random(seed);
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        for (int i = 0; i < blocks; i++) {
            parts[i] = new byte[random.nextInt(blockSize + 1)];
            // Compressible but not trivial: a small alphabet.
            for (int j = 0; j < parts[i].length; j++) {
                parts[i][j] = (byte) ('a' + random.nextInt(6));
            }
            whole.write(parts[i]);
        }
        Path file = Files.createTempFile("blocks", ".xz");
        try {
            Files.write(file, xz(parts));
            try (InputStream in = Compression.XZ.decompressFile(file)) {
                assertArrayEquals(whole.toByteArray(), in.readAllBytes());
            }
        } finally {
            Files.delete(file);
        }
    }

    @org.junit.jupiter.api.Test
    void aDamagedBlockIsAFormatErrorNamingTheFile() throws IOException {
        byte[][] parts = {new byte[100_000], new byte[100_000], new byte[100_000]};
        new Random(1).nextBytes(parts[1]);
        byte[] data = xz(parts);
        data[data.length / 2] ^= 0x55;
        Path file = Files.createTempFile("damaged", ".xz");
        try {
            Files.write(file, data);
            DebFormatException e = assertThrows(DebFormatException.class, () -> {
                try (InputStream in = Compression.XZ.decompressFile(file)) {
                    in.readAllBytes();
                }
            });
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        } finally {
            Files.delete(file);
        }
    }

    private static byte[] xz(byte[][] blocks) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (XZOutputStream xz = new XZOutputStream(out, new LZMA2Options(1))) {
            for (byte[] b : blocks) {
                xz.write(b);
                xz.endBlock();
            }
        }
        return out.toByteArray();
    }
}
