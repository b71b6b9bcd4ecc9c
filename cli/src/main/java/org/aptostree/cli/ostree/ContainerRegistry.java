package org.aptostree.cli.ostree;

import java.nio.file.Path;

import org.aptostree.ostree.container.Encapsulator;
import org.aptostree.ostree.oci.RegistryClient;
import org.aptostree.ostree.oci.RegistryImageSource;

/** The registry client the container verbs use, with the credentials they are given. */
final class ContainerRegistry {
    private ContainerRegistry() {
    }

    static Encapsulator.RegistryPush pusher(Path authfile) {
        return (layout, manifest, dest) -> {
            RegistryClient.Reference ref = RegistryClient.Reference.parse(dest.name());
            return RegistryImageSource.push(RegistryClient.forReference(ref, authfile, false), ref, layout, manifest);
        };
    }
}
