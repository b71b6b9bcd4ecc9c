package org.aptostree.ostree.container;

import java.util.Objects;
import java.util.Optional;

import org.aptostree.ostree.oci.ImageReference;

/**
 * An image reference with how to trust it, in ostree-ext's syntax: {@code ostree-unverified-registry:HOST/NAME:TAG},
 * {@code ostree-unverified-image:TRANSPORT:NAME}, {@code ostree-remote-registry:REMOTE:HOST/NAME:TAG},
 * {@code ostree-remote-image:REMOTE:TRANSPORT:NAME}. A plain image reference counts as unverified.
 * {@code ostree-image-signed:} (containers-policy signatures) is not supported and refused.
 */
public record OstreeImageReference(Optional<String> ostreeRemote, ImageReference image) {
    public OstreeImageReference {
        Objects.requireNonNull(ostreeRemote, "ostreeRemote");
        Objects.requireNonNull(image, "image");
    }

    /** Whether {@code s} is written in one of the {@code ostree-…:} forms (rather than as an ostree refspec). */
    public static boolean isOstreeImageReference(String s) {
        return s.startsWith("ostree-unverified-registry:") || s.startsWith("ostree-unverified-image:")
                || s.startsWith("ostree-remote-registry:") || s.startsWith("ostree-remote-image:") || s.startsWith("ostree-image-signed:");
    }

    public static OstreeImageReference parse(String s) {
        int colon = s.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("Missing ':' in " + s);
        }
        String scheme = s.substring(0, colon);
        String rest = s.substring(colon + 1);
        switch (scheme) {
            case "ostree-unverified-image":
                return new OstreeImageReference(Optional.empty(), ImageReference.parse(rest));
            case "ostree-unverified-registry":
                return new OstreeImageReference(Optional.empty(), ImageReference.parse("registry:" + rest));
            case "ostree-remote-registry":
            case "ostree-remote-image": {
                int c2 = rest.indexOf(':');
                if (c2 <= 0) {
                    throw new IllegalArgumentException("Missing second ':' in " + s);
                }
                String image = rest.substring(c2 + 1);
                return new OstreeImageReference(Optional.of(rest.substring(0, c2)),
                        ImageReference.parse(scheme.equals("ostree-remote-registry") ? "registry:" + image : image));
            }
            case "ostree-image-signed":
                throw new IllegalArgumentException("ostree-image-signed: (containers-policy signature verification) is not supported yet; "
                        + "use ostree-remote-registry: to verify the commit's OSTree signature, or ostree-unverified-registry:");
            default:
                return new OstreeImageReference(Optional.empty(), ImageReference.parse(s));
        }
    }

    @Override
    public String toString() {
        if (ostreeRemote.isPresent()) {
            return "ostree-remote-image:" + ostreeRemote.get() + ":" + image;
        }
        if (image.transport() == ImageReference.Transport.REGISTRY) {
            return "ostree-unverified-registry:" + image.name();
        }
        return "ostree-unverified-image:" + image;
    }
}
