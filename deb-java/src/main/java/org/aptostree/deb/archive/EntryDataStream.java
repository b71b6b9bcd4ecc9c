package org.aptostree.deb.archive;

import java.io.IOException;
import java.io.InputStream;

/**
 * The data of an archive's current entry, read through its reader; after the reader moves on ({@link #detach()}),
 * end of stream. Closing it does nothing: the archive stays open.
 */
final class EntryDataStream extends InputStream {
    /** Reads up to {@code len} (> 0) bytes of the entry, -1 at its end. */
    interface Data {
        int read(byte[] b, int off, int len) throws IOException;
    }

    private final Data data;
    private boolean detached;

    EntryDataStream(Data data) {
        this.data = data;
    }

    /** The reader has moved past the entry. */
    void detach() {
        detached = true;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (detached) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        return data.read(b, off, len);
    }

    @Override
    public void close() {
    }
}
