package org.aptostree.ostree.oci;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.aptostree.ostree.OstreeFormatException;

/**
 * An image in an OCI layout directory ({@code oci:DIR[:TAG]}) or archive ({@code oci-archive:FILE[:TAG]}). An archive
 * is read in place: its members are uncompressed, so each blob is a stretch of the file, read from its offset; only
 * the layout's own files count ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/<hex>} regular files).
 */
public final class LocalImageSource implements ImageSource {
    private final OciLayout layout;
    /** For an archive: the file, and where each member's data lies in it (offset, size), by name. */
    private final Path archive;
    private final Map<String, long[]> members;
    private final String tag;
    private final String name;

    private LocalImageSource(OciLayout layout, Path archive, Map<String, long[]> members, String tag, String name) {
        this.layout = layout;
        this.archive = archive;
        this.members = members;
        this.tag = tag;
        this.name = name;
    }

    /** Opens an {@code oci:} or {@code oci-archive:} reference ({@code tmp} is not used: an archive is not extracted). */
    public static LocalImageSource open(ImageReference ref, Path tmp) throws IOException, OstreeFormatException {
        switch (ref.transport()) {
            case OCI_DIR:
                return new LocalImageSource(OciLayout.open(ref.localPath()), null, null, ref.localTag(), ref.toString());
            case OCI_ARCHIVE:
                return new LocalImageSource(null, ref.localPath(), members(ref.localPath()), ref.localTag(), ref.toString());
            default:
                throw new IllegalArgumentException(ref + " is not a local image");
        }
    }

    private static Map<String, long[]> members(Path file) throws IOException, OstreeFormatException {
        Map<String, long[]> out = new HashMap<>();
        try (TarFile tar = new TarFile(file)) {
            for (TarArchiveEntry e : tar.getEntries()) {
                String n = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
                if (!e.isFile() || e.isLink() || e.isSymbolicLink() || e.isSparse()) {
                    continue;
                }
                if (n.equals("index.json") || n.equals("oci-layout")
                        || n.startsWith("blobs/sha256/") && Digest.isHex64(n.substring("blobs/sha256/".length()))) {
                    // A later member of the same name replaces an earlier one, as extracting the archive would.
                    out.put(n, new long[] {e.getDataOffset(), e.getSize()});
                }
            }
        } catch (IllegalArgumentException e) {
            throw new OstreeFormatException("invalid tar archive " + file + ": " + e.getMessage());
        } catch (IOException e) {
            if (!Files.exists(file)) {
                throw e;
            }
            throw new OstreeFormatException("invalid tar archive " + file + ": " + e.getMessage());
        }
        if (!out.containsKey("index.json")) {
            throw new OstreeFormatException(file + " is not an OCI archive: it has no index.json");
        }
        return out;
    }

    /** A member's data: its bytes from its offset in the archive, and no more. */
    private InputStream member(long[] where) throws IOException {
        FileChannel ch = FileChannel.open(archive, StandardOpenOption.READ);
        try {
            ch.position(where[0]);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        InputStream in = Channels.newInputStream(ch);
        return new BufferedInputStream(new FilterInputStream(in) {
            private long left = where[1];

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }
        }, 1 << 16);
    }

    private long[] blobMember(Digest d) throws IOException {
        long[] where = members.get("blobs/sha256/" + d.hex());
        if (where == null) {
            throw new java.nio.file.NoSuchFileException("blobs/sha256/" + d.hex() + " in " + archive);
        }
        return where;
    }

    private ImageIndex readIndex() throws IOException, OstreeFormatException {
        if (layout != null) {
            return layout.readIndex();
        }
        long[] where = members.get("index.json");
        if (where[1] > ImageManifest.MAX_SIZE) {
            throw new OstreeFormatException("index.json in " + archive + " is larger than " + ImageManifest.MAX_SIZE + " bytes");
        }
        try (InputStream in = member(where)) {
            return ImageIndex.parse(in.readAllBytes());
        }
    }

    @Override
    public Fetched manifest(Platform platform) throws IOException, OstreeFormatException {
        ImageIndex index = readIndex();
        Optional<Descriptor> d = index.forTag(tag);
        if (d.isEmpty()) {
            throw new OstreeFormatException(tag == null ? name + " has " + index.manifests().size() + " manifests; name one with :TAG"
                    : "no manifest tagged '" + tag + "' in " + name);
        }
        Descriptor desc = d.get();
        if (MediaTypes.isIndex(desc.mediaType())) {
            ImageIndex nested = ImageIndex.parse(readBlob(desc, ImageManifest.MAX_SIZE));
            desc = nested.forPlatform(platform).orElseThrow(() -> new OstreeFormatException("no manifest for " + platform + " in " + name));
        }
        byte[] raw = readBlob(desc, ImageManifest.MAX_SIZE);
        return new Fetched(ImageManifest.parse(raw), desc.digest(), raw);
    }

    @Override
    public InputStream openBlob(Descriptor d) throws IOException {
        if (layout != null) {
            return layout.openBlob(d);
        }
        long[] where = blobMember(d.digest());
        if (where[1] != d.size()) {
            throw new IOException("blob " + d.digest() + " in " + archive + " has " + where[1] + " bytes, the descriptor says " + d.size());
        }
        return new OciLayout.VerifyingInputStream(member(where), d, "blob in " + archive);
    }

    @Override
    public byte[] readBlob(Descriptor d, int limit) throws IOException, OstreeFormatException {
        if (layout != null) {
            return layout.readBlob(d, limit);
        }
        if (d.size() > limit) {
            throw new OstreeFormatException("blob " + d.digest() + " in " + archive + " is " + d.size() + " bytes, more than the limit of " + limit);
        }
        try (InputStream in = openBlob(d)) {
            return in.readAllBytes();
        }
    }

    @Override
    public Path fetchBlob(Descriptor d, Path dir) throws IOException {
        if (layout != null) {
            try (OciLayout.VerifyingInputStream in = (OciLayout.VerifyingInputStream) layout.openBlob(d)) {
                in.drainAndVerify();
            }
            return layout.blobPath(d.digest());
        }
        Files.createDirectories(dir);
        Path tmp = dir.resolve("blob-" + d.digest().hex() + "-" + UUID.randomUUID() + ".partial");
        try (OciLayout.VerifyingInputStream in = (OciLayout.VerifyingInputStream) openBlob(d)) {
            Files.copy(in, tmp);
            in.verify();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return tmp;
    }

    /** The blob verified where it lies, in the layout or in the archive; then read from there. */
    @Override
    public VerifiedBlob fetchVerified(Descriptor d, Path dir) throws IOException {
        try (OciLayout.VerifyingInputStream in = (OciLayout.VerifyingInputStream) openBlob(d)) {
            in.drainAndVerify();
        }
        if (layout != null) {
            Path p = layout.blobPath(d.digest());
            return () -> Files.newInputStream(p);
        }
        long[] where = blobMember(d.digest());
        return () -> member(where);
    }

    @Override
    public boolean isOwnFile(Path p) {
        return layout != null && p.startsWith(layout.path());
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void close() {
    }
}
