package org.aptostree.ostree.sysroot;

import java.nio.file.Path;
import java.util.Objects;

import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.KeyFile;

/**
 * One deployment: a checkout of {@code commit} in {@code ostree/deploy/<osname>/deploy/<commit>.<deploySerial>},
 * booted through {@code /boot/ostree/<osname>-<bootChecksum>} with the given boot entry.
 */
public record Deployment(String osname, ObjectId commit, int deploySerial, String bootChecksum, int bootSerial,
                         BootEntry bootEntry, KeyFile origin) {
    public Deployment {
        Objects.requireNonNull(osname, "osname");
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(bootChecksum, "bootChecksum");
    }

    /** {@code <commit>.<serial>}, the name of the deployment directory. */
    public String dirName() {
        return commit.hex() + "." + deploySerial;
    }

    public Path dir(Path sysroot) {
        return sysroot.resolve("ostree/deploy").resolve(osname).resolve("deploy").resolve(dirName());
    }

    public Path originFile(Path sysroot) {
        return sysroot.resolve("ostree/deploy").resolve(osname).resolve("deploy").resolve(dirName() + ".origin");
    }

    /** Pinned deployments ({@code [libostree-transient] pinned=true}) are never garbage-collected. */
    public boolean pinned() {
        return origin != null && origin.getBoolean("libostree-transient", "pinned", false);
    }

    public KernelArgs kernelArgs() {
        return KernelArgs.parse(bootEntry == null ? "" : bootEntry.options());
    }

    public Deployment withBootEntry(BootEntry e) {
        return new Deployment(osname, commit, deploySerial, bootChecksum, bootSerial, e, origin);
    }

    public Deployment withBootSerial(int serial) {
        return new Deployment(osname, commit, deploySerial, bootChecksum, serial, bootEntry, origin);
    }

    public Deployment withOrigin(KeyFile o) {
        return new Deployment(osname, commit, deploySerial, bootChecksum, bootSerial, bootEntry, o);
    }

    /** Same deployment directory, whatever its boot entry says. */
    public boolean sameDeployment(Deployment other) {
        return osname.equals(other.osname) && commit.equals(other.commit) && deploySerial == other.deploySerial;
    }
}
