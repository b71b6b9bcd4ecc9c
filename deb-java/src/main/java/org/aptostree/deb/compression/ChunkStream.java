package org.aptostree.deb.compression;

import java.io.IOException;
import java.io.InputStream;

/** A stream over byte chunks produced elsewhere (on other threads), handed out in order. */
abstract class ChunkStream extends InputStream {
    private byte[] current = new byte[0];
    private int pos;

    /** The next chunk (possibly empty), or null at the end. */
    protected abstract byte[] nextChunk() throws IOException;

    private boolean advance() throws IOException {
        while (pos == current.length) {
            byte[] next = nextChunk();
            if (next == null) {
                return false;
            }
            current = next;
            pos = 0;
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        return advance() ? current[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!advance()) {
            return -1;
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }
}
