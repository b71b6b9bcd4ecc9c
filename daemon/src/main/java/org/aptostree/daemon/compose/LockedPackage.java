package org.aptostree.daemon.compose;

import java.net.URI;
import java.util.Objects;

/**
 * One exact package of a compose: enough to fetch and verify it again without any index.
 *
 * @param uri    where it was found (a mirror's {@code pool/…} path)
 * @param size   size in bytes
 * @param sha256 SHA-256 of the .deb
 * @param automatic installed only to satisfy others (apt's {@code Auto-Installed}), so apt may autoremove it later
 */
public record LockedPackage(String name, String version, String architecture, URI uri, long size, String sha256,
        boolean automatic) {
    public LockedPackage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(sha256, "sha256");
    }

    public String nameArch() {
        return name + ":" + architecture;
    }
}
