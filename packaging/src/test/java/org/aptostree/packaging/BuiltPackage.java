package org.aptostree.packaging;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The .deb this build made ({@code mvn package} writes it before the tests run, in the integration-test phase). */
final class BuiltPackage {
    private BuiltPackage() {
    }

    /** The module's build directory, where the .deb is. */
    static Path buildDirectory() {
        return Path.of(System.getProperty("aptostree.deb.dir", "target")).toAbsolutePath();
    }

    /** The one {@code apt-ostree_*_all.deb} of the build directory. */
    static Path deb() throws IOException {
        List<Path> debs = new ArrayList<>();
        try (DirectoryStream<Path> d = Files.newDirectoryStream(buildDirectory(), "apt-ostree_*_all.deb")) {
            d.forEach(debs::add);
        }
        if (debs.size() != 1) {
            throw new IOException("expected one apt-ostree_*_all.deb in " + buildDirectory() + " (run mvn package first), found " + debs);
        }
        return debs.get(0);
    }

    /** A control field of the .deb, as dpkg-deb reads it. */
    static String field(String name) throws IOException, InterruptedException {
        return Commands.run(List.of("dpkg-deb", "--field", deb().toString(), name)).strip();
    }
}
