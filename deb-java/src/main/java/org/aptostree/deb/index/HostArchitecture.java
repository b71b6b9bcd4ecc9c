package org.aptostree.deb.index;

import java.util.Locale;

/** The Debian name of the architecture this JVM runs on, as {@code dpkg --print-architecture} prints it. */
public final class HostArchitecture {
    private HostArchitecture() {
    }

    public static String name() {
        String arch = System.getProperty("os.arch", "amd64").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "i386";
            case "ppc64le" -> "ppc64el";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            default -> arch;
        };
    }
}
