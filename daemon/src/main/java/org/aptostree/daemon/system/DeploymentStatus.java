package org.aptostree.daemon.system;

import java.util.List;
import java.util.Optional;

/**
 * One deployment as status shows it, with rpm-ostree's fields: what it is, what it follows, what was asked on top of
 * its base and what of that is in effect.
 *
 * @param id                       {@code osname-checksum.serial}
 * @param checksum                 its commit
 * @param version                  the commit's {@code version} metadata, if any
 * @param timestamp                the commit's time (seconds since the epoch)
 * @param origin                   its origin (empty for a deployment without an origin file)
 * @param booted                   the running system's
 * @param staged                   made, but only becomes a deployment at the next shutdown
 * @param pinned                   kept by cleanups ({@code ostree admin pin})
 * @param baseChecksum             the base commit of a layered deployment
 * @param baseVersion              its version
 * @param baseTimestamp            its time
 * @param packages                 requested packages that are layered (not in the base)
 * @param inactiveRequests         requested packages that the base has already
 * @param localPackages            local .debs layered, {@code name_version_arch}
 * @param baseRemovals             base packages taken out, {@code name version}
 * @param baseLocalReplacements    base packages replaced, {@code name old -> new}
 * @param kernelArguments          the boot entry's options
 * @param imageDigest              for a container image's commit (or one layered on it), the image's manifest digest
 */
public record DeploymentStatus(String id, String osname, int serial, String checksum, Optional<String> version, long timestamp,
        Optional<Origin> origin, boolean booted, boolean staged, boolean pinned, Optional<String> baseChecksum,
        Optional<String> baseVersion, Optional<Long> baseTimestamp, List<String> packages, List<String> inactiveRequests,
        List<String> localPackages, List<String> baseRemovals, List<String> baseLocalReplacements, String kernelArguments,
        Optional<String> imageDigest) {

    public DeploymentStatus {
        packages = List.copyOf(packages);
        inactiveRequests = List.copyOf(inactiveRequests);
        localPackages = List.copyOf(localPackages);
        baseRemovals = List.copyOf(baseRemovals);
        baseLocalReplacements = List.copyOf(baseLocalReplacements);
    }

    /** Packages asked for by name (rpm-ostree's {@code requested-packages}). */
    public List<String> requestedPackages() {
        return origin.map(o -> List.copyOf(o.requested())).orElse(List.of());
    }
}
