package org.aptostree.ostree.oci;

import java.nio.file.Path;
import java.util.Objects;

/**
 * An image and where it lives, in containers-image syntax: {@code docker://HOST/NAME[:TAG|@DIGEST]} (also written
 * {@code registry:HOST/NAME…}), {@code oci:DIR[:TAG]} and {@code oci-archive:FILE[:TAG]}.
 */
public record ImageReference(Transport transport, String name) {
    public enum Transport {
        REGISTRY("docker://"), OCI_DIR("oci:"), OCI_ARCHIVE("oci-archive:");

        private final String prefix;

        Transport(String prefix) {
            this.prefix = prefix;
        }
    }

    public ImageReference {
        Objects.requireNonNull(transport, "transport");
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("empty image name");
        }
    }

    public static ImageReference parse(String s) {
        if (s.startsWith("docker://")) {
            return new ImageReference(Transport.REGISTRY, s.substring("docker://".length()));
        }
        if (s.startsWith("registry:")) {
            return new ImageReference(Transport.REGISTRY, s.substring("registry:".length()));
        }
        if (s.startsWith("oci:")) {
            return new ImageReference(Transport.OCI_DIR, s.substring("oci:".length()));
        }
        if (s.startsWith("oci-archive:")) {
            return new ImageReference(Transport.OCI_ARCHIVE, s.substring("oci-archive:".length()));
        }
        throw new IllegalArgumentException("unsupported image reference '" + s + "': expected docker://, registry:, oci: or oci-archive:");
    }

    /** For {@code oci:} and {@code oci-archive:}: the path, before an optional {@code :TAG}. */
    public Path localPath() {
        int colon = name.indexOf(':');
        return Path.of(colon < 0 ? name : name.substring(0, colon));
    }

    /** For {@code oci:} and {@code oci-archive:}: the tag after the path, or null. */
    public String localTag() {
        int colon = name.indexOf(':');
        return colon < 0 ? null : name.substring(colon + 1);
    }

    @Override
    public String toString() {
        return transport.prefix + name;
    }
}
