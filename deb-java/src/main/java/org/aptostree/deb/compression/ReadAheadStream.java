package org.aptostree.deb.compression;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads another stream on a background thread, a few chunks ahead of the consumer, so that
 * decompression and parsing use two cores. Exceptions of the source reach the consumer in order.
 */
final class ReadAheadStream extends ChunkStream {
    private static final int CHUNK = 1 << 20;
    private static final byte[] END = new byte[0];

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(8);
    private final InputStream source;
    private final Thread worker;
    private volatile boolean closed;
    private boolean ended;

    ReadAheadStream(InputStream source) {
        this.source = source;
        this.worker = new Thread(this::pump, "decompress-ahead");
        worker.setDaemon(true);
        worker.start();
    }

    private void pump() {
        try {
            while (!closed) {
                byte[] chunk = source.readNBytes(CHUNK);
                if (chunk.length == 0) {
                    queue.put(END);
                    return;
                }
                queue.put(chunk);
            }
        } catch (IOException | RuntimeException e) {
            try {
                queue.put(e);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    protected byte[] nextChunk() throws IOException {
        if (ended) {
            return null;
        }
        Object next;
        try {
            next = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for decompressed data");
        }
        if (next instanceof IOException e) {
            ended = true;
            throw e;
        }
        if (next instanceof RuntimeException e) {
            ended = true;
            throw e;
        }
        if (next == END) {
            ended = true;
            return null;
        }
        return (byte[]) next;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        worker.interrupt();
        queue.clear();
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        source.close();
    }
}
