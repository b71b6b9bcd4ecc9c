package org.aptostree.daemon.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.sysroot.Sysroot;

/**
 * The design note's detection of an OSTree system, all five ways: the {@code /ostree} directory, the
 * {@code /run/ostree-booted} flag, {@code ostree=} on the kernel command line, loading the sysroot, and the
 * service (is the daemon's bus name there). For a directory given with {@code --sysroot} only the first and the
 * fourth apply: nothing there is booted. The error text is the design note's, on one line as every CLI error is,
 * with what was found missing.
 */
public record OstreeEnvironment(Path sysroot, boolean booted, boolean ostreeDirectory, boolean bootedFlag, boolean kernelArgument,
        Optional<String> sysrootError) {

    /** Checks the running system ({@code sysroot} "/") or a directory sysroot. */
    public static OstreeEnvironment detect(Path sysroot) {
        boolean isHost = sysroot.toAbsolutePath().normalize().equals(Path.of("/"));
        boolean dir = Files.isDirectory(sysroot.resolve("ostree"));
        boolean flag = isHost && Files.exists(Path.of("/run/ostree-booted"));
        boolean karg = false;
        if (isHost) {
            try {
                karg = (" " + Files.readString(Path.of("/proc/cmdline")).strip() + " ").contains(" ostree=");
            } catch (IOException e) {
                karg = false;
            }
        }
        Optional<String> error = Optional.empty();
        try {
            Sysroot.load(sysroot);
        } catch (IOException | OstreeFormatException e) {
            error = Optional.of(e.getMessage());
        }
        return new OstreeEnvironment(sysroot, isHost && flag, dir, flag, karg, error);
    }

    /** Whether apt-ostree can work here. */
    public boolean usable() {
        return sysrootError.isEmpty();
    }

    /** Whether the daemon's bus name has an owner or can be activated: the fifth way, asked of the bus by its caller. */
    public static String serviceNote(boolean available) {
        return "apt-ostreed service: " + (available ? "available" : "not available");
    }

    /** The design note's text, with what was checked. */
    public String errorText() {
        List<String> found = new ArrayList<>();
        found.add(sysroot.resolve("ostree") + (ostreeDirectory ? " exists" : " is missing"));
        if (sysroot.toAbsolutePath().normalize().equals(Path.of("/"))) {
            found.add("/run/ostree-booted " + (bootedFlag ? "exists" : "is missing"));
            found.add("/proc/cmdline " + (kernelArgument ? "has" : "has no") + " ostree= argument");
        }
        sysrootError.ifPresent(e -> found.add("the sysroot did not load: " + e));
        return "apt-ostree requires an OSTree environment to operate. This system does not appear to be running on an"
                + " OSTree deployment (" + String.join("; ", found) + "). To use apt-ostree: 1. Ensure you are running on an"
                + " OSTree-based system 2. Verify that /ostree directory exists 3. Verify that /run/ostree-booted file exists"
                + " 4. Ensure you have a valid booted deployment (or pass --sysroot=DIR for a directory sysroot).";
    }
}
