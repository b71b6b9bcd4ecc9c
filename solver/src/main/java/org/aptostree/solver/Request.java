package org.aptostree.solver;

import java.util.List;
import java.util.Objects;

/**
 * What the user asks for.
 *
 * @param install     packages to install (or upgrade to their candidate, or to a given version)
 * @param remove      packages to remove
 * @param upgrade     installed packages to bring to their candidate versions
 * @param upgradeAll  prefer candidate versions for every installed package ({@code upgrade} with no names)
 * @param recommends  install Recommends of newly installed packages when possible
 * @param strictPinning only candidate versions (and installed ones, and versions named in the request) may be
 *                    installed, as apt does by default; when false other versions are a last resort
 */
public record Request(List<Target> install, List<Target> remove, List<Target> upgrade, boolean upgradeAll,
        boolean recommends, boolean strictPinning) {

    public Request {
        install = List.copyOf(install);
        remove = List.copyOf(remove);
        upgrade = List.copyOf(upgrade);
    }

    /** The same request with strict pinning on or off. */
    public Request withStrictPinning(boolean value) {
        return new Request(install, remove, upgrade, upgradeAll, recommends, value);
    }

    public static Request install(List<Target> targets, boolean recommends) {
        return new Request(targets, List.of(), List.of(), false, recommends, true);
    }

    public static Request remove(List<Target> targets) {
        return new Request(List.of(), targets, List.of(), false, false, true);
    }

    /** Upgrades the given packages, or everything installed when {@code targets} is empty. */
    public static Request upgrade(List<Target> targets, boolean recommends) {
        return new Request(List.of(), List.of(), targets, targets.isEmpty(), recommends, true);
    }

    /**
     * A package named on the command line: {@code name}, {@code name:arch}, {@code name=version}.
     *
     * @param architecture null when not given (native for install, all architectures for remove)
     * @param version      null when not given (the candidate)
     */
    public record Target(String name, String architecture, String version) {
        public Target {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("empty package name");
            }
        }

        // Written out, as in the other records a layering compares: a record's generated equals and hashCode are linked
        // through invokedynamic at their first call, which costs a short command milliseconds each (JDK 17).
        @Override
        public boolean equals(Object other) {
            return other instanceof Target t && name.equals(t.name) && Objects.equals(architecture, t.architecture)
                    && Objects.equals(version, t.version);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, architecture, version);
        }

        /** Parses {@code name[:arch][=version]} as apt-get's command line does. */
        public static Target parse(String text) {
            String version = null;
            int eq = text.indexOf('=');
            String rest = text;
            if (eq >= 0) {
                version = text.substring(eq + 1);
                rest = text.substring(0, eq);
            }
            String arch = null;
            int colon = rest.indexOf(':');
            if (colon >= 0) {
                arch = rest.substring(colon + 1);
                rest = rest.substring(0, colon);
            }
            return new Target(rest, arch, version);
        }

        @Override
        public String toString() {
            return name + (architecture == null ? "" : ":" + architecture) + (version == null ? "" : "=" + version);
        }
    }
}
