package org.aptostree.ostree.oci;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

import org.aptostree.ostree.OstreeFormatException;

/**
 * Where an image is read from: an OCI layout, an archive, or a registry. Blobs come back verified: a stream fails at
 * its end if the bytes do not match the descriptor's digest, and {@link #fetchBlob} keeps nothing that does not.
 */
public interface ImageSource extends Closeable {
    /** A manifest as fetched: parsed, with its digest and its bytes as they came. */
    record Fetched(ImageManifest manifest, Digest digest, byte[] raw) {
    }

    /** The image manifest (for {@code platform} when the reference names an index). */
    Fetched manifest(Platform platform) throws IOException, OstreeFormatException;

    /** A blob as a stream that verifies its digest when read to the end. */
    InputStream openBlob(Descriptor d) throws IOException;

    /** A small blob (a configuration) read whole and verified. */
    byte[] readBlob(Descriptor d, int limit) throws IOException, OstreeFormatException;

    /**
     * The blob as a verified file in {@code dir} (the caller deletes it): local sources verify in place and may
     * return their own file, which the caller must not delete ({@link #isOwnFile}).
     */
    Path fetchBlob(Descriptor d, Path dir) throws IOException;

    boolean isOwnFile(Path p);

    /** A blob whose digest has been checked: read it as often as needed, then close it (which removes a fetched copy). */
    interface VerifiedBlob extends Closeable {
        InputStream open() throws IOException;

        @Override
        default void close() throws IOException {
        }
    }

    /**
     * The blob, verified, to be read: by default the file {@link #fetchBlob} gives, deleted on close unless it is the
     * source's own; a local source reads it where it lies.
     */
    default VerifiedBlob fetchVerified(Descriptor d, Path dir) throws IOException {
        Path blob = fetchBlob(d, dir);
        return new VerifiedBlob() {
            @Override
            public InputStream open() throws IOException {
                return java.nio.file.Files.newInputStream(blob);
            }

            @Override
            public void close() throws IOException {
                if (!isOwnFile(blob)) {
                    java.nio.file.Files.deleteIfExists(blob);
                }
            }
        };
    }

    /** Where the image comes from, for messages. */
    String describe();

    /** Layers downloaded at once from a registry. */
    int PARALLEL_DOWNLOADS = 4;

    /**
     * The source of an image reference: layouts and archives are read locally (an archive in place), registries through the client with credentials from {@code authfile} or the auth.json files.
     */
    static ImageSource open(ImageReference ref, Path tmp, Path authfile) throws IOException, OstreeFormatException {
        if (ref.transport() == ImageReference.Transport.REGISTRY) {
            RegistryClient.Reference r = RegistryClient.Reference.parse(ref.name());
            return new RegistryImageSource(RegistryClient.forReference(r, authfile, false), r, PARALLEL_DOWNLOADS);
        }
        return LocalImageSource.open(ref, tmp);
    }
}
