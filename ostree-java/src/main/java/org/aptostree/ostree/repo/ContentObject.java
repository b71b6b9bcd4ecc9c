package org.aptostree.ostree.repo;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

import org.aptostree.ostree.object.FileHeader;

/** A content object read from a repository: its metadata and a stream of its bytes (empty for symlinks). */
public record ContentObject(FileHeader header, long size, InputStream stream) implements Closeable {
    @Override
    public void close() throws IOException {
        stream.close();
    }
}
