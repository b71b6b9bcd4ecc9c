package org.aptostree.ostree.oci;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.aptostree.ostree.OstreeFormatException;

/**
 * An OCI image layout directory: {@code oci-layout}, {@code index.json} and {@code blobs/sha256/<hex>}. Blobs are
 * written under a temporary name and renamed to their digest once complete; reading a blob checks its size and
 * digest as it is consumed.
 */
public final class OciLayout {
    private static final String LAYOUT_FILE = "{\"imageLayoutVersion\":\"1.0.0\"}";
    private final Path dir;

    private OciLayout(Path dir) {
        this.dir = dir;
    }

    /** Opens a layout, creating an empty one if the directory has none. */
    public static OciLayout create(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("blobs/sha256"));
        Path layout = dir.resolve("oci-layout");
        if (!Files.exists(layout)) {
            Path tmp = dir.resolve(".oci-layout." + UUID.randomUUID());
            Files.writeString(tmp, LAYOUT_FILE);
            Files.move(tmp, layout, StandardCopyOption.ATOMIC_MOVE);
        }
        return new OciLayout(dir);
    }

    public static OciLayout open(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve("oci-layout")) || !Files.isDirectory(dir.resolve("blobs"))) {
            throw new NoSuchFileException(dir.toString(), null, "not an OCI image layout (no oci-layout or blobs/)");
        }
        return new OciLayout(dir);
    }

    public Path path() {
        return dir;
    }

    public Path blobPath(Digest d) {
        return dir.resolve("blobs/sha256").resolve(d.hex());
    }

    public boolean hasBlob(Digest d) {
        return Files.isRegularFile(blobPath(d));
    }

    /** A blob being written: its digest and size are known when it is closed, then it has its final name. */
    public final class BlobWriter extends FilterOutputStream {
        private final Path tmp;
        private final MessageDigest digest = Digest.newSha256();
        private long size;
        private Digest result;

        private BlobWriter(Path tmp) throws IOException {
            super(Files.newOutputStream(tmp));
            this.tmp = tmp;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            digest.update((byte) b);
            size++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            digest.update(b, off, len);
            size += len;
        }

        /** Closes the blob and moves it to its digest's name; returns the digest. */
        public Digest complete() throws IOException {
            if (result == null) {
                super.close();
                result = Digest.of(digest);
                Files.move(tmp, blobPath(result), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return result;
        }

        public long size() {
            return size;
        }

        /** Drops an unfinished blob. */
        public void abort() throws IOException {
            if (result == null) {
                super.close();
                Files.deleteIfExists(tmp);
            }
        }
    }

    public BlobWriter newBlob() throws IOException {
        return new BlobWriter(dir.resolve("blobs/sha256").resolve(".tmp-" + UUID.randomUUID()));
    }

    public Descriptor writeBlob(byte[] data, String mediaType) throws IOException {
        BlobWriter w = newBlob();
        w.write(data);
        return new Descriptor(mediaType, w.complete(), data.length);
    }

    /** Opens a blob; reading past its end fails if the size or SHA-256 differ from the descriptor's. */
    public InputStream openBlob(Descriptor d) throws IOException {
        Path p = blobPath(d.digest());
        long actual = Files.size(p);
        if (actual != d.size()) {
            throw new IOException("blob " + d.digest() + " in " + dir + " has " + actual + " bytes, the descriptor says " + d.size());
        }
        return new VerifyingInputStream(Files.newInputStream(p), d, "blob in " + dir);
    }

    /** A blob read whole, at most {@code limit} bytes, verified. */
    public byte[] readBlob(Descriptor d, int limit) throws IOException, OstreeFormatException {
        if (d.size() > limit) {
            throw new OstreeFormatException("blob " + d.digest() + " in " + dir + " is " + d.size() + " bytes, more than the limit of " + limit);
        }
        try (InputStream in = openBlob(d)) {
            return in.readAllBytes();
        }
    }

    public ImageIndex readIndex() throws IOException, OstreeFormatException {
        Path p = dir.resolve("index.json");
        if (Files.size(p) > ImageManifest.MAX_SIZE) {
            throw new OstreeFormatException(p + " is larger than " + ImageManifest.MAX_SIZE + " bytes");
        }
        return ImageIndex.parse(Files.readAllBytes(p));
    }

    /**
     * Records a manifest in {@code index.json} as ocidir does: with a tag, it replaces the manifest of that tag
     * and keeps the others; without, it becomes the only one.
     */
    public void putManifest(Descriptor manifest, String tag) throws IOException, OstreeFormatException {
        List<Descriptor> manifests = new ArrayList<>();
        Descriptor entry = manifest;
        if (tag != null) {
            entry = manifest.withAnnotations(Map.of(ImageIndex.REF_NAME, tag));
            if (Files.exists(dir.resolve("index.json"))) {
                for (Descriptor d : readIndex().manifests()) {
                    if (!tag.equals(d.annotations().get(ImageIndex.REF_NAME))) {
                        manifests.add(d);
                    }
                }
            }
        }
        manifests.add(entry);
        writeIndex(new ImageIndex(MediaTypes.OCI_INDEX, manifests, Map.of()));
    }

    public void writeIndex(ImageIndex index) throws IOException {
        Path tmp = dir.resolve(".index.json." + UUID.randomUUID());
        Files.write(tmp, index.canonicalBytes());
        Files.move(tmp, dir.resolve("index.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Reads a stream to its end while hashing it; at the end, a wrong size or digest fails the read. */
    public static final class VerifyingInputStream extends FilterInputStream {
        private final MessageDigest md = Digest.newSha256();
        private final Descriptor expected;
        private final String where;
        private long count;
        private boolean checked;

        public VerifyingInputStream(InputStream in, Descriptor expected, String where) {
            super(in);
            this.expected = expected;
            this.where = where;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                md.update(b, off, n);
                count += n;
                if (count > expected.size()) {
                    throw new IOException("digest mismatch: " + where + " " + expected.digest() + " is longer than its size " + expected.size());
                }
            } else if (n < 0) {
                verify();
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[8192];
            long done = 0;
            while (done < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (r < 0) {
                    break;
                }
                done += r;
            }
            return done;
        }

        /** Checks the digest now; call after reading everything when the reader stops before EOF. */
        public void verify() throws IOException {
            if (checked) {
                return;
            }
            checked = true;
            if (count != expected.size()) {
                throw new IOException("digest mismatch: " + where + " " + expected.digest() + " has " + count + " bytes, expected " + expected.size());
            }
            Digest actual = Digest.of(md);
            if (!actual.equals(expected.digest())) {
                throw new IOException("digest mismatch: " + where + " expected " + expected.digest() + ", got " + actual);
            }
        }

        /** Reads what is left, so that the digest covers the whole blob, and checks it. */
        public void drainAndVerify() throws IOException {
            byte[] buf = new byte[65536];
            while (read(buf, 0, buf.length) >= 0) {
                // draining
            }
            verify();
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
