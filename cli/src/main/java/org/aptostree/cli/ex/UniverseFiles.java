package org.aptostree.cli.ex;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.control.Deb822Reader;
import org.aptostree.deb.control.Paragraph;
import org.aptostree.deb.index.PackageIndex;
import org.aptostree.deb.index.PackageRecord;
import org.aptostree.deb.verify.ClearSigned;
import org.aptostree.solver.AptPreferences;
import org.aptostree.solver.IndexRelease;
import org.aptostree.solver.PackageTable;
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
     * How long after an index last changed its stamp is trusted: file times come from a coarse clock, so an index
     * rewritten within the same tick after its cache was made could keep its stamp (git's "racy clean" problem).
     */
    private static final long RACY_NANOS = 2_000_000_000L;

    /**
     * The packages of one index, from its binary cache when that was made from this index. The cache records
     * the index's stamp (size, modification and change times, inode) and the SHA-256 of its bytes. A matching
     * stamp is trusted, as apt trusts pkgcache.bin by the lists' sizes and times, unless the index changed just
     * before the cache was written; otherwise the index is hashed, and a cache of the same bytes only gets the new
     * stamp. A cache that is damaged or made from other bytes is made anew. A cache that cannot be written is
     * skipped: it only saves time.
     */
    static PackageTable readIndex(Path index, Path cacheDirectory) throws IOException {
        if (cacheDirectory == null) {
            return PackageCache.read(parseIndex(index).finish(new PackageCache.Origin("", "")));
        }
        Path real = index.toRealPath();
        Path cached = cacheDirectory.resolve(
                HexFormat.of().formatHex(sha256().digest(real.toString().getBytes(StandardCharsets.UTF_8))) + ".bin");
        IndexStamp stamp = IndexStamp.of(real);
        PackageCache cache = openCache(cached);
        if (cache != null) {
            if (cache.origin().stamp().equals(stamp.text())
                    && Files.getLastModifiedTime(cached).to(TimeUnit.NANOSECONDS) - stamp.changed() > RACY_NANOS) {
                return cache;
            }
            String checksum = checksum(real);
            if (cache.origin().indexChecksum().equals(checksum)) {
                writeCache(cached, cache.withOrigin(new PackageCache.Origin(checksum, stamp.text())));
                return cache;
            }
        }
        // The checksum is only for the cache: it is worked out on another core while this one parses.
        FutureTask<String> hashing = new FutureTask<>(() -> checksum(real));
        Thread hasher = new Thread(hashing, "index checksum");
        hasher.setDaemon(true);
        hasher.start();
        PackageCache.Writer parsed = parseIndex(real);
        ByteBuffer bytes = parsed.finish(new PackageCache.Origin(result(hashing), stamp.text()));
        if (IndexStamp.of(real).equals(stamp)) { // an index that changed while it was read is not cached
            writeCache(cached, bytes.duplicate());
        }
        return PackageCache.read(bytes);
    }

    /** The cache in a file, or null when there is none or it is damaged or of another format. */
    private static PackageCache openCache(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return PackageCache.read(channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()));
        } catch (DebFormatException e) {
            return null;
        }
    }

    /** Writes to a temporary file renamed into place, so that a reader maps a whole cache or none. */
    private static void writeCache(Path file, ByteBuffer bytes) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "index", ".tmp");
            try {
                try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    while (bytes.hasRemaining()) {
                        out.write(bytes);
                    }
                }
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            // read-only or full file system: work without the cache
        }
    }

    /** What identifies an index file's state without reading it; {@code changed} is its ctime in nanoseconds. */
    private record IndexStamp(String text, long changed) {
        static IndexStamp of(Path file) throws IOException {
            Map<String, Object> a = Files.readAttributes(file, "unix:size,lastModifiedTime,ctime,ino,dev");
            long modified = ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS);
            long changed = ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS);
            return new IndexStamp("size=" + a.get("size") + " mtime=" + modified + " ctime=" + changed + " ino="
                    + a.get("ino") + " dev=" + a.get("dev"), changed);
        }
    }

    /** The index in cache form: kept as numbers while it is parsed, not as objects (less for the GC to copy). */
    private static PackageCache.Writer parseIndex(Path index) throws IOException {
        PackageCache.Writer writer = new PackageCache.Writer();
        PackageIndex.read(index, r -> writer.add(PackageVersion.from(r)));
        return writer;
    }

    private static String result(FutureTask<String> task) throws IOException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while hashing the index");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String checksum(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(digest.digest());
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
                holds, pins, cacheDirectory, new PhaseClock());
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
     * {@code clock} gets the phases "indexes", "installed state" and "universe".
     */
    static Universe load(String nativeArch, List<String> foreignArchs, List<IndexSpec> indexes,
            java.util.Map<Path, Integer> priorities, AptPreferences preferences, String defaultRelease, Path status,
            Path extendedStates, List<String> holds, List<String> pins, Path cacheDirectory, PhaseClock clock)
            throws IOException {
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
            PackageTable table = readIndex(index.file(), cacheDirectory);
            if (priority != null) {
                builder.addAvailable(table, priority);
            } else {
                builder.addAvailable(table, index.release());
            }
        }
        clock.lap("indexes");
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
        clock.lap("installed state");
        Universe universe = builder.build();
        clock.lap("universe");
        return universe;
    }

    /** dpkg states in which a package's files are on disk and its dependencies must hold. */
    private static boolean isPresent(String state) {
        return switch (state) {
            case "installed", "unpacked", "half-configured", "triggers-awaited", "triggers-pending" -> true;
            default -> false;
        };
    }
}
