package org.aptostree.deb.compression;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.aptostree.deb.DebFormatException;

/** Counts bytes read from the compressed source and remembers its own failures, so decoder failures can be told apart. */
final class SourceStream extends FilterInputStream {
    private long count;
    private IOException failure;

    SourceStream(InputStream in) {
        super(in);
    }

    long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        try {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public long skip(long n) throws IOException {
        // Decoders must see every byte; InputStream's default skip reads through read().
        byte[] scratch = new byte[(int) Math.min(n, 8192)];
        long done = 0;
        while (done < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** The exception to throw for a decoder failure {@code e}: the source's own I/O error, or a format error. */
    IOException translate(Compression compression, Throwable e) {
        if (e == failure && e instanceof IOException io) {
            return io;
        }
        if (e instanceof DebFormatException d) {
            return d;
        }
        String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof java.io.EOFException) {
            what = "unexpected end of data";
        }
        return new DebFormatException("corrupt " + compression.name().toLowerCase(java.util.Locale.ROOT)
                + " data: " + what, -1, count, e);
    }
}
