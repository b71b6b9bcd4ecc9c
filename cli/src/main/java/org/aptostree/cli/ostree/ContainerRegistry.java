package org.aptostree.cli.ostree;

import java.nio.file.Path;

import org.aptostree.ostree.container.Encapsulator;
import org.aptostree.ostree.oci.ImageReference;
import org.aptostree.ostree.oci.ImageSource;
import org.aptostree.ostree.oci.LocalImageSource;
import org.aptostree.ostree.repo.Repository;

/** The registry client the container verbs use, with the credentials they are given. */
final class ContainerRegistry {
    private ContainerRegistry() {
    }

    static Encapsulator.RegistryPush pusher(Path authfile) {
        return null;
    }

    /** The source of an image reference: local layouts directly, registries through the client. */
    static ImageSource open(ImageReference ref, Repository repo, Path authfile) throws Exception {
        if (ref.transport() == ImageReference.Transport.REGISTRY) {
            throw new IllegalArgumentException("registry images are not supported yet: " + ref);
        }
        return LocalImageSource.open(ref, repo.path().resolve("tmp"));
    }
}
