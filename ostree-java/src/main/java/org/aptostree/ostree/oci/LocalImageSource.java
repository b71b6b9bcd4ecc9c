package org.aptostree.ostree.oci;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

import org.aptostree.ostree.OstreeFormatException;

/** An image in an OCI layout directory ({@code oci:DIR[:TAG]}) or archive ({@code oci-archive:FILE[:TAG]}, extracted). */
public final class LocalImageSource implements ImageSource {
    private final OciLayout layout;
    private final String tag;
    private final Path extracted;
    private final String name;

    private LocalImageSource(OciLayout layout, String tag, Path extracted, String name) {
        this.layout = layout;
        this.tag = tag;
        this.extracted = extracted;
        this.name = name;
    }

    /** Opens an {@code oci:} or {@code oci-archive:} reference; an archive is extracted under {@code tmp}. */
    public static LocalImageSource open(ImageReference ref, Path tmp) throws IOException, OstreeFormatException {
        switch (ref.transport()) {
            case OCI_DIR:
                return new LocalImageSource(OciLayout.open(ref.localPath()), ref.localTag(), null, ref.toString());
            case OCI_ARCHIVE: {
                Files.createDirectories(tmp);
                Path dir = Files.createTempDirectory(tmp, "oci-archive-");
                try {
                    return new LocalImageSource(OciArchive.extract(ref.localPath(), dir), ref.localTag(), dir, ref.toString());
                } catch (IOException | OstreeFormatException | RuntimeException e) {
                    delete(dir);
                    throw e;
                }
            }
            default:
                throw new IllegalArgumentException(ref + " is not a local image");
        }
    }

    @Override
    public Fetched manifest(Platform platform) throws IOException, OstreeFormatException {
        ImageIndex index = layout.readIndex();
        Optional<Descriptor> d = index.forTag(tag);
        if (d.isEmpty()) {
            throw new OstreeFormatException(tag == null ? name + " has " + index.manifests().size() + " manifests; name one with :TAG"
                    : "no manifest tagged '" + tag + "' in " + name);
        }
        Descriptor desc = d.get();
        if (MediaTypes.isIndex(desc.mediaType())) {
            ImageIndex nested = ImageIndex.parse(layout.readBlob(desc, ImageManifest.MAX_SIZE));
            desc = nested.forPlatform(platform).orElseThrow(() -> new OstreeFormatException("no manifest for " + platform + " in " + name));
        }
        byte[] raw = layout.readBlob(desc, ImageManifest.MAX_SIZE);
        return new Fetched(ImageManifest.parse(raw), desc.digest(), raw);
    }

    @Override
    public InputStream openBlob(Descriptor d) throws IOException {
        return layout.openBlob(d);
    }

    @Override
    public byte[] readBlob(Descriptor d, int limit) throws IOException, OstreeFormatException {
        return layout.readBlob(d, limit);
    }

    @Override
    public Path fetchBlob(Descriptor d, Path dir) throws IOException {
        try (OciLayout.VerifyingInputStream in = (OciLayout.VerifyingInputStream) layout.openBlob(d)) {
            in.drainAndVerify();
        }
        return layout.blobPath(d.digest());
    }

    @Override
    public boolean isOwnFile(Path p) {
        return p.startsWith(layout.path());
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void close() throws IOException {
        if (extracted != null) {
            delete(extracted);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
