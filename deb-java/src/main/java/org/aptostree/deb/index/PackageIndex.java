package org.aptostree.deb.index;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.compression.Compression;
import org.aptostree.deb.control.Deb822Reader;
import org.aptostree.deb.control.Paragraph;

/**
 * Streaming reader of APT {@code Packages} indexes (plain, .gz, .xz, .zst, .bz2, .lzma) into
 * {@link PackageRecord}s. Memory use is one stanza plus what the consumer keeps. A record's relation fields are
 * parsed when first asked for (see {@link PackageRecord}); the other fields it parses are checked while reading, and
 * so is a relation field the consumer asks for while reading: a malformed one ends the reading with its
 * {@link DebFormatException}.
 *
 * <pre>{@code
 * List<PackageRecord> all = PackageIndex.readAll(Path.of("dists/trixie/main/binary-amd64/Packages.xz"));
 * PackageIndex.read(in, record -> universe.add(record));   // streaming
 * }</pre>
 */
public final class PackageIndex {

    /** Receives records one by one; may throw to stop reading. */
    @FunctionalInterface
    public interface RecordConsumer {
        void accept(PackageRecord record) throws IOException;
    }

    private PackageIndex() {
    }

    /**
     * Reads every stanza of a Packages file, decompressing by the file name's extension (or, for
     * an unknown extension, by the magic bytes).
     */
    public static List<PackageRecord> readAll(Path file) throws IOException {
        List<PackageRecord> records = new ArrayList<>();
        read(file, records::add);
        return records;
    }

    /** Streams every stanza of a Packages file to {@code consumer}; see {@link #readAll(Path)}. */
    public static void read(Path file, RecordConsumer consumer) throws IOException {
        Compression c = Compression.fromFileName(file.getFileName().toString());
        if (c == Compression.NONE) {
            // No telling extension (a file in a cache named by its hash): the magic bytes say.
            byte[] head = new byte[8];
            int n;
            try (InputStream in = Files.newInputStream(file)) {
                n = in.readNBytes(head, 0, head.length);
            }
            c = Compression.detect(head, n);
        }
        if (c != Compression.NONE) {
            // A file can be decoded block by block on every core (xz), or inline when it is small.
            try (InputStream decoded = c.decompressFile(file)) {
                parse(decoded, consumer);
            }
            return;
        }
        try (InputStream raw = Files.newInputStream(file)) {
            read(raw, c, consumer);
        }
    }

    /**
     * Streams every stanza of a possibly compressed Packages stream; {@code compression} null means
     * detect it from the magic bytes. The stream is not closed.
     */
    public static void read(InputStream raw, Compression compression, RecordConsumer consumer) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        Compression c = compression;
        if (c == null || c == Compression.NONE) {
            in.mark(8);
            byte[] head = in.readNBytes(6);
            in.reset();
            Compression detected = Compression.detect(head, head.length);
            c = c == null || detected != Compression.NONE ? detected : c;
        }
        // Large compressed indexes: decode on a second thread while this one parses.
        InputStream decoded = c == Compression.NONE ? new NonClosing(in) : c.decompressAhead(new NonClosing(in));
        parse(decoded, consumer);
    }

    private static void parse(InputStream decoded, RecordConsumer consumer) throws IOException {
        SharedValues shared = new SharedValues();
        try (Deb822Reader reader = new Deb822Reader(decoded)) {
            for (Paragraph p = reader.read(); p != null; p = reader.read()) {
                try {
                    consumer.accept(PackageRecord.from(p, shared));
                } catch (UncheckedIOException e) {
                    // A malformed relation field the consumer asked for ends the reading as it would have eagerly.
                    if (e.getCause() instanceof DebFormatException format) {
                        throw format;
                    }
                    throw e;
                }
            }
        }
    }

    /** Lets the reader close its decoder without closing the caller's stream. */
    private static final class NonClosing extends java.io.FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }
}
