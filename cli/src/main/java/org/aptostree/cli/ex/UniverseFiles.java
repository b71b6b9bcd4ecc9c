package org.aptostree.cli.ex;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.aptostree.deb.control.Deb822Reader;
import org.aptostree.deb.control.Paragraph;
import org.aptostree.deb.index.PackageIndex;
import org.aptostree.deb.index.PackageRecord;
import org.aptostree.deb.verify.ClearSigned;
import org.aptostree.solver.AptPreferences;
import org.aptostree.solver.IndexRelease;
import org.aptostree.solver.PackageVersion;
import org.aptostree.solver.Universe;
import org.aptostree.solver.cache.PackageCache;

/** Reads Packages indexes and a dpkg status file into a solver {@link Universe}; the solver itself reads no files. */
final class UniverseFiles {
    private UniverseFiles() {
    }

    /** Where parsed indexes are cached: {@code $XDG_CACHE_HOME/apt-ostree/solver}, else {@code ~/.cache/…}. */
    static Path defaultCacheDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("apt-ostree").resolve("solver");
    }

    /**
     * The packages of one index, from the binary cache when it holds this exact file (keyed by the SHA-256
     * of its bytes, so an edited or replaced index is never answered from a stale cache), else parsed and
     * then cached. A cache that cannot be written is silently skipped: it only saves time.
     */
    static List<PackageVersion> readIndex(Path index, Path cacheDirectory) throws IOException {
        if (cacheDirectory == null) {
            return parseIndex(index);
        }
        String key = "sha256:" + sha256(index);
        Path cached = cacheDirectory.resolve(key.substring("sha256:".length()) + ".bin");
        if (Files.isRegularFile(cached)) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(cached), 1 << 16)) {
                return PackageCache.read(in, key);
            } catch (IOException e) {
                // damaged or from another format version: parse again and overwrite below
            }
        }
        List<PackageVersion> packages = parseIndex(index);
        try {
            Files.createDirectories(cacheDirectory);
            Path tmp = Files.createTempFile(cacheDirectory, "index", ".tmp");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                PackageCache.write(packages, key, out);
            }
            Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // read-only or full file system: work without the cache
        }
        return packages;
    }

    private static List<PackageVersion> parseIndex(Path index) throws IOException {
        List<PackageVersion> packages = new ArrayList<>();
        PackageIndex.read(index, r -> packages.add(PackageVersion.from(r)));
        return packages;
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static Universe load(String nativeArch, List<String> foreignArchs, List<Path> indexes, Path status,
            List<String> holds, Path cacheDirectory) throws IOException {
        return load(nativeArch, foreignArchs, indexes, status, holds, List.of(), cacheDirectory);
    }

    /** {@code pins} are {@code name=version}, each pinned at priority 1001 (apt_preferences' "force this version"). */
    static Universe load(String nativeArch, List<String> foreignArchs, List<Path> indexes, Path status,
            List<String> holds, List<String> pins, Path cacheDirectory) throws IOException {
        return load(nativeArch, foreignArchs, indexes, status, null, holds, pins, cacheDirectory);
    }

    /** {@code extendedStates} is apt's extended_states file: packages with {@code Auto-Installed: 1} may be removed. */
    static Universe load(String nativeArch, List<String> foreignArchs, List<Path> indexes, Path status,
            Path extendedStates, List<String> holds, List<String> pins, Path cacheDirectory) throws IOException {
        return load(nativeArch, foreignArchs, indexes, java.util.Map.of(), status, extendedStates, holds, pins,
                cacheDirectory);
    }

    /** {@code priorities} gives some indexes another pin priority than 500 (apt_preferences by release). */
    static Universe load(String nativeArch, List<String> foreignArchs, List<Path> indexes,
            java.util.Map<Path, Integer> priorities, Path status, Path extendedStates, List<String> holds,
            List<String> pins, Path cacheDirectory) throws IOException {
        List<IndexSpec> specs = new ArrayList<>();
        for (Path index : indexes) {
            specs.add(new IndexSpec(index, IndexRelease.UNKNOWN));
        }
        return load(nativeArch, foreignArchs, specs, priorities, AptPreferences.NONE, null, status, extendedStates,
                holds, pins, cacheDirectory);
    }

    /**
     * An index with the Release attributes its versions get for {@code Pin: release} and {@code Pin: origin}.
     * On the command line: {@code FILE[@KEY=VALUE,…]}; attributes come from the InRelease or Release file
     * above the index (the usual dists/SUITE/COMPONENT/binary-ARCH layout, or a flat repository), the
     * component and architecture from the path, the site is "" (a local file, as apt sees a file: source);
     * {@code @a=…,n=…,v=…,c=…,o=…,l=…,b=…,site=HOST} add to or replace them.
     */
    record IndexSpec(Path file, IndexRelease release) {
        static IndexSpec parse(String argument) throws IOException {
            String fileText = argument;
            String attributes = null;
            int at = argument.lastIndexOf('@');
            // Only a suffix of key=value pairs counts, so that a path with '@' in it still works.
            if (at > 0 && argument.substring(at + 1).matches("(?:[a-z]+=[^,]*)(?:,[a-z]+=[^,]*)*")) {
                fileText = argument.substring(0, at);
                attributes = argument.substring(at + 1);
            }
            Path file = Path.of(fileText);
            IndexRelease release = releaseNextTo(file);
            if (attributes != null) {
                for (String pair : attributes.split(",")) {
                    int eq = pair.indexOf('=');
                    release = release.with(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                }
            }
            return new IndexSpec(file, release);
        }

        /** Up to four directories up from the index: the first holding InRelease (preferred) or Release. */
        static IndexRelease releaseNextTo(Path index) throws IOException {
            Path indexDir = index.toAbsolutePath().getParent();
            String dirName = indexDir == null || indexDir.getFileName() == null ? "" : indexDir.getFileName().toString();
            String architecture = dirName.startsWith("binary-") ? dirName.substring("binary-".length()) : null;
            Path dir = indexDir;
            for (int up = 0; up < 4 && dir != null; up++, dir = dir.getParent()) {
                Paragraph release = readRelease(dir);
                if (release == null) {
                    continue;
                }
                // The component is the path between the Release file and binary-ARCH (e.g. main, updates/main).
                Path componentDir = architecture != null ? indexDir.getParent() : indexDir;
                String component = componentDir.equals(dir) || !componentDir.startsWith(dir) ? null
                        : dir.relativize(componentDir).toString();
                return IndexRelease.of(release, component, architecture, "");
            }
            return new IndexRelease(null, null, null, null, null, null, architecture, "", false, false);
        }

        /** The Release stanza of a directory (InRelease's signed text, not verified here: only pins use it), or null. */
        private static Paragraph readRelease(Path dir) throws IOException {
            Path inRelease = dir.resolve("InRelease");
            Path release = dir.resolve("Release");
            String text;
            if (Files.isRegularFile(inRelease)) {
                text = ClearSigned.parse(Files.readAllBytes(inRelease)).text();
            } else if (Files.isRegularFile(release)) {
                text = Files.readString(release, java.nio.charset.StandardCharsets.UTF_8);
            } else {
                return null;
            }
            try (Deb822Reader reader = new Deb822Reader(
                    new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)))) {
                return reader.read();
            }
        }
    }

    /**
     * The whole universe: {@code priorities} fixes some indexes' priority (no general pin applies to them),
     * {@code preferences} are apt_preferences pins, {@code defaultRelease} apt's {@code -t} (null for none).
     */
    static Universe load(String nativeArch, List<String> foreignArchs, List<IndexSpec> indexes,
            java.util.Map<Path, Integer> priorities, AptPreferences preferences, String defaultRelease, Path status,
            Path extendedStates, List<String> holds, List<String> pins, Path cacheDirectory) throws IOException {
        Universe.Builder builder = Universe.builder(nativeArch);
        for (String arch : foreignArchs) {
            builder.foreignArchitecture(arch);
        }
        builder.preferences(preferences);
        if (defaultRelease != null) {
            builder.defaultRelease(defaultRelease);
        }
        for (IndexSpec index : indexes) {
            Integer priority = priorities.get(index.file());
            for (PackageVersion p : readIndex(index.file(), cacheDirectory)) {
                if (priority != null) {
                    builder.addAvailable(p, priority);
                } else {
                    builder.addAvailable(p, index.release());
                }
            }
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
        if (extendedStates != null) {
            try (InputStream in = Files.newInputStream(extendedStates); Deb822Reader reader = new Deb822Reader(in)) {
                for (Paragraph p = reader.read(); p != null; p = reader.read()) {
                    if ("1".equals(p.get("Auto-Installed").orElse("").trim()) && p.has("Package")) {
                        String arch = p.get("Architecture").orElse(nativeArch).trim();
                        builder.markAutomatic(p.get("Package").orElseThrow().trim() + ":" + arch);
                    }
                }
            }
        }
        for (String hold : holds) {
            builder.hold(hold);
        }
        for (String pin : pins) {
            int eq = pin.indexOf('=');
            if (eq <= 0 || eq == pin.length() - 1) {
                throw new IllegalArgumentException("--pin needs NAME=VERSION, not '" + pin + "'");
            }
            builder.pin(pin.substring(0, eq), pin.substring(eq + 1), 1001);
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
