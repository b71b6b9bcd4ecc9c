package org.aptostree.deb.compression;

import java.io.IOException;
import java.io.InputStream;

/** The decoder's output with its exceptions translated into {@link org.aptostree.deb.DebFormatException}. */
final class DecodedStream extends InputStream {
    private final Compression compression;
    private final SourceStream source;
    private final InputStream decoder;

    DecodedStream(Compression compression, SourceStream source, InputStream decoder) {
        this.compression = compression;
        this.source = source;
        this.decoder = decoder;
    }

    @Override
    public int read() throws IOException {
        try {
            return decoder.read();
        } catch (IOException | RuntimeException e) {
            throw source.translate(compression, e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return decoder.read(b, off, len);
        } catch (IOException | RuntimeException e) {
            throw source.translate(compression, e);
        }
    }

    @Override
    public int available() throws IOException {
        try {
            return decoder.available();
        } catch (IOException | RuntimeException e) {
            throw source.translate(compression, e);
        }
    }

    @Override
    public void close() throws IOException {
        decoder.close();
    }
}
