package org.aptostree.ostree.oci;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;

import org.aptostree.ostree.OstreeFormatException;

/**
 * An image in a registry. Layers are downloaded to verified files before use, at most {@code parallel} at a time,
 * and picked from an index by platform.
 */
public final class RegistryImageSource implements ImageSource {
    private final RegistryClient client;
    private final RegistryClient.Reference ref;
    private final Semaphore downloads;

    public RegistryImageSource(RegistryClient client, RegistryClient.Reference ref, int parallel) {
        this.client = client;
        this.ref = ref;
        this.downloads = new Semaphore(Math.max(1, parallel));
    }

    @Override
    public Fetched manifest(Platform platform) throws IOException, OstreeFormatException {
        RegistryClient.RawManifest raw = client.manifest(ref.reference());
        if (MediaTypes.isIndex(raw.mediaType()) || (!MediaTypes.isManifest(raw.mediaType()) && isIndex(raw.bytes()))) {
            ImageIndex index = ImageIndex.parse(raw.bytes());
            Descriptor d = index.forPlatform(platform)
                    .orElseThrow(() -> new OstreeFormatException("registry " + ref.host() + ": " + ref + ": no manifest for " + platform));
            raw = client.manifest(d.digest().toString());
        }
        return new Fetched(ImageManifest.parse(raw.bytes()), raw.digest(), raw.bytes());
    }

    private static boolean isIndex(byte[] json) {
        try {
            return OciJson.parseObject(json, ImageManifest.MAX_SIZE, "manifest").has("manifests");
        } catch (OstreeFormatException e) {
            return false;
        }
    }

    @Override
    public InputStream openBlob(Descriptor d) throws IOException {
        Path tmp = Files.createTempFile("blob-", ".tmp");
        try {
            client.downloadBlob(d, tmp);
            return new java.io.FilterInputStream(Files.newInputStream(tmp)) {
                @Override
                public void close() throws IOException {
                    super.close();
                    Files.deleteIfExists(tmp);
                }
            };
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    @Override
    public byte[] readBlob(Descriptor d, int limit) throws IOException, OstreeFormatException {
        return client.readBlob(d, limit);
    }

    @Override
    public Path fetchBlob(Descriptor d, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("blob-" + d.digest().hex() + ".partial");
        try {
            downloads.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        try {
            client.downloadBlob(d, file);
            return file;
        } finally {
            downloads.release();
        }
    }

    @Override
    public boolean isOwnFile(Path p) {
        return false;
    }

    @Override
    public String describe() {
        return "docker://" + ref;
    }

    @Override
    public void close() {
    }

    /** Uploads the image whose manifest is {@code manifest} in {@code layout} (blobs the registry lacks, then the manifest). */
    public static Digest push(RegistryClient client, RegistryClient.Reference ref, OciLayout layout, Descriptor manifest)
            throws IOException, OstreeFormatException {
        byte[] bytes = layout.readBlob(manifest, ImageManifest.MAX_SIZE);
        ImageManifest m = ImageManifest.parse(bytes);
        for (Descriptor layer : m.layers()) {
            client.pushBlob(layer, layout.blobPath(layer.digest()));
        }
        client.pushBlob(m.config(), layout.blobPath(m.config().digest()));
        client.pushManifest(ref.reference(), m.mediaType(), bytes);
        return manifest.digest();
    }
}
