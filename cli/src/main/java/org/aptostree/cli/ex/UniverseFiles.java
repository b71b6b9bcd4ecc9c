package org.aptostree.cli.ex;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.aptostree.deb.control.Deb822Reader;
import org.aptostree.deb.control.Paragraph;
import org.aptostree.deb.index.PackageIndex;
import org.aptostree.deb.index.PackageRecord;
import org.aptostree.solver.PackageVersion;
import org.aptostree.solver.Universe;

/** Reads Packages indexes and a dpkg status file into a solver {@link Universe}; the solver itself reads no files. */
final class UniverseFiles {
    private UniverseFiles() {
    }

    /** The Debian name of the machine's architecture, for when {@code --arch} is not given. */
    static String hostArchitecture() {
        String arch = System.getProperty("os.arch", "amd64").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "i386";
            case "ppc64le" -> "ppc64el";
            default -> arch;
        };
    }

    static Universe load(String nativeArch, List<String> foreignArchs, List<Path> indexes, Path status,
            List<String> holds) throws IOException {
        Universe.Builder builder = Universe.builder(nativeArch);
        for (String arch : foreignArchs) {
            builder.foreignArchitecture(arch);
        }
        for (Path index : indexes) {
            PackageIndex.read(index, r -> builder.addAvailable(PackageVersion.from(r), Universe.DEFAULT_PRIORITY));
        }
        if (status != null) {
            try (InputStream in = Files.newInputStream(status); Deb822Reader reader = new Deb822Reader(in)) {
                for (Paragraph p = reader.read(); p != null; p = reader.read()) {
                    String[] state = p.get("Status").orElse("").trim().split("\\s+");
                    if (state.length != 3 || !isPresent(state[2]) || !p.has("Version")) {
                        continue;
                    }
                    PackageRecord record = PackageRecord.from(p);
                    builder.addInstalled(PackageVersion.from(record));
                    if (state[0].equals("hold")) {
                        builder.hold(record.name() + ":" + record.architecture());
                    }
                }
            }
        }
        for (String hold : holds) {
            builder.hold(hold);
        }
        return builder.build();
    }

    /** dpkg states in which a package's files are on disk and its dependencies must hold. */
    private static boolean isPresent(String state) {
        return switch (state) {
            case "installed", "unpacked", "half-configured", "triggers-awaited", "triggers-pending" -> true;
            default -> false;
        };
    }
}
