package org.aptostree.deb.compression;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.aptostree.deb.DebFormatException;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.SeekableFileInputStream;
import org.tukaani.xz.SeekableXZInputStream;

/**
 * The decoded content of an xz file made of several independent blocks (Debian's large indexes are written
 * so), decoded block by block on as many threads as there are cores and read in order. Decoding is what
 * reading an index costs; one stream can only use one core.
 */
final class XzBlockStream extends ChunkStream {
    private final Path file;
    private final int blocks;
    private final ExecutorService pool;
    private final Deque<Future<byte[]>> pending = new ArrayDeque<>();
    private final int ahead;
    private int nextBlock;

    private XzBlockStream(Path file, int blocks, int threads) {
        this.file = file;
        this.blocks = blocks;
        this.ahead = threads + 1;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "xz-block-decoder");
            t.setDaemon(true);
            return t;
        });
    }

    /** A parallel stream over {@code file}, or null when it has fewer than two blocks (or blocks too large for it). */
    static XzBlockStream open(Path file) throws IOException {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        try (SeekableXZInputStream xz = newStream(file)) {
            int count = xz.getBlockCount();
            if (count < 2 || threads < 2) {
                return null;
            }
            for (int i = 0; i < count; i++) {
                if (xz.getBlockSize(i) > Integer.MAX_VALUE - 16) {
                    return null;
                }
            }
            return new XzBlockStream(file, count, Math.min(threads, count));
        } catch (DebFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new DebFormatException(file + ": corrupt xz data: " + e.getMessage(), -1, -1, e);
        }
    }

    private static SeekableXZInputStream newStream(Path file) throws IOException {
        return new SeekableXZInputStream(new SeekableFileInputStream(file.toFile()), Compression.XZ_MEMORY_LIMIT_KIB,
                true, BasicArrayCache.getInstance());
    }

    private byte[] decode(int block) throws IOException {
        try (SeekableXZInputStream xz = newStream(file)) {
            xz.seekToBlock(block);
            int size = (int) xz.getBlockSize(block);
            byte[] data = xz.readNBytes(size);
            if (data.length != size) {
                throw new java.io.EOFException("block " + block + " ends early");
            }
            return data;
        } catch (IOException | RuntimeException e) {
            throw new DebFormatException(file + ": corrupt xz data in block " + block + ": " + e.getMessage(), -1, -1, e);
        }
    }

    @Override
    protected byte[] nextChunk() throws IOException {
        while (pending.size() < ahead && nextBlock < blocks) {
            int block = nextBlock++;
            pending.add(pool.submit(() -> decode(block)));
        }
        Future<byte[]> next = pending.poll();
        if (next == null) {
            return null;
        }
        try {
            return next.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
