package org.aptostree.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A clean Debian root of one suite, as a host that is about to install the package: minbase from deb.debian.org
 * with mmdebstrap, plus the package's dependencies as apt resolves its Depends field ({@code apt-get satisfy}), plus
 * the tools the tests read it with (man-db, systemd for systemd-analyze). Building one takes minutes and the network;
 * it is kept under {@code target/roots}, named by a hash of everything that makes it (suite, mirror, Depends,
 * extra packages, mmdebstrap's version), so later runs are offline and a change of Depends makes a new one. Each test
 * class works on a copy.
 */
final class SuiteRoot {
    static final String MIRROR = "http://deb.debian.org/debian";
    static final List<String> TOOLS = List.of("man-db", "systemd");
    /** Raised when the way the root is made changes, so that old roots are not reused. */
    private static final String RECIPE = "recipe 1";

    private SuiteRoot() {
    }

    /** The pristine root of {@code suite} for a package that {@code depends} on that, made when missing. */
    static synchronized Path pristine(Path cache, String suite, String depends) throws IOException, InterruptedException {
        String mmdebstrap = Commands.run(List.of("mmdebstrap", "--version")).strip();
        Path dir = cache.resolve(suite + "-" + key(suite, depends, mmdebstrap));
        Path root = dir.resolve("root");
        if (Files.isDirectory(root)) {
            return root;
        }
        Files.createDirectories(dir);
        Path partial = dir.resolve("partial");
        Commands.run(List.of("rm", "-rf", partial.toString()));
        List<String> command = new ArrayList<>(List.of("mmdebstrap", "--quiet", "--variant=minbase", "--include=" + String.join(",", TOOLS),
                "--customize-hook=chroot \"$1\" apt-get satisfy -y --no-install-recommends '" + depends + "'",
                suite, partial.toString(), "deb " + MIRROR + " " + suite + " main"));
        Commands.run(command);
        Files.move(partial, root);
        return root;
    }

    /** The first 16 hex digits of the SHA-256 of what makes the root. */
    static String key(String suite, String depends, String mmdebstrapVersion) {
        String inputs = String.join("\n", RECIPE, suite, MIRROR, depends, String.join(",", TOOLS), mmdebstrapVersion) + "\n";
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(inputs.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
