package org.aptostree.solver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.aptostree.deb.index.PackageIndex;
import org.aptostree.deb.index.PackageRecord;
import org.aptostree.testkit.DebianData;

/**
 * The trixie index of the real Debian data ({@link DebianData}), parsed once per test JVM (several test classes use
 * it and parsing dominates their run time).
 */
public final class TrixieData {
    private static List<PackageRecord> records;
    private static List<PackageVersion> packages;

    private TrixieData() {
    }

    public static Path mirror() {
        return DebianData.mirror();
    }

    public static Path index(Path mirror) {
        return mirror.resolve("dists/trixie/main/binary-amd64/Packages.xz");
    }

    public static synchronized List<PackageRecord> records() {
        if (records == null) {
            Path index = index(mirror());
            List<PackageRecord> all = new ArrayList<>();
            long start = System.nanoTime();
            try {
                PackageIndex.read(index, all::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            System.out.printf("trixie index: %d packages read in %d ms%n", all.size(), (System.nanoTime() - start) / 1_000_000);
            records = all;
        }
        return records;
    }

    public static synchronized List<PackageVersion> packages() {
        if (packages == null) {
            packages = records().stream().map(PackageVersion::from).toList();
        }
        return packages;
    }

    private static List<PackageVersion> bookworm;

    /** The bookworm main/amd64 index of the same mirror. */
    public static synchronized List<PackageVersion> bookwormPackages() {
        if (bookworm == null) {
            Path index = mirror().resolve("dists/bookworm/main/binary-amd64/Packages.xz");
            List<PackageVersion> all = new ArrayList<>();
            try {
                PackageIndex.read(index, r -> all.add(PackageVersion.from(r)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            bookworm = all;
        }
        return bookworm;
    }

    /** File names of the pool's .debs (trixie minbase), with {@code %3a} decoded; the epoch is not in them. */
    public static Set<String> minbaseFileNames() {
        Set<String> names = new HashSet<>();
        for (Path deb : DebianData.minbase()) {
            names.add(deb.getFileName().toString().replace("%3a", ":").replace("%3A", ":"));
        }
        return names;
    }

    /** Whether a package is one of the pool's .debs. */
    public static boolean inMinbase(Set<String> fileNames, PackageVersion p) {
        String version = p.version().upstream() + (p.version().revision().isEmpty() ? "" : "-" + p.version().revision());
        return fileNames.contains(p.name() + "_" + version + "_" + p.architecture() + ".deb");
    }
}
