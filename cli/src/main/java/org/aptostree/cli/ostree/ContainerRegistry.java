package org.aptostree.cli.ostree;

import java.nio.file.Path;

import org.aptostree.ostree.container.Encapsulator;
import org.aptostree.ostree.oci.ImageReference;
import org.aptostree.ostree.oci.ImageSource;
import org.aptostree.ostree.oci.LocalImageSource;
import org.aptostree.ostree.oci.RegistryClient;
import org.aptostree.ostree.oci.RegistryImageSource;
import org.aptostree.ostree.repo.Repository;

/** The registry client the container verbs use, with the credentials they are given. */
final class ContainerRegistry {
    /** Layers downloaded at once from a registry. */
    private static final int PARALLEL_DOWNLOADS = 4;

    private ContainerRegistry() {
    }

    static Encapsulator.RegistryPush pusher(Path authfile) {
        return (layout, manifest, dest) -> {
            RegistryClient.Reference ref = RegistryClient.Reference.parse(dest.name());
            return RegistryImageSource.push(RegistryClient.forReference(ref, authfile, false), ref, layout, manifest);
        };
    }

    /** The source of an image reference: local layouts directly, registries through the client. */
    static ImageSource open(ImageReference ref, Repository repo, Path authfile) throws Exception {
        if (ref.transport() == ImageReference.Transport.REGISTRY) {
            RegistryClient.Reference r = RegistryClient.Reference.parse(ref.name());
            return new RegistryImageSource(RegistryClient.forReference(r, authfile, false), r, PARALLEL_DOWNLOADS);
        }
        return LocalImageSource.open(ref, repo.path().resolve("tmp"));
    }
}
