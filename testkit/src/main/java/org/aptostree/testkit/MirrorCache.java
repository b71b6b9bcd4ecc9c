package org.aptostree.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The cache of one source's data: {@code <cache>/<key>/} is the mirror, {@code <key>.minbase} names the source and
 * lists the pool with the SHA256 of each .deb (written last: the cache is complete when it exists), {@code <key>.lock} serializes
 * the JVMs that fill it. Every file is written to a temporary name beside its place and renamed there once
 * verified, so a reader never sees a partial or unverified file.
 */
final class MirrorCache {
    static final List<String> SUITES = List.of("trixie", "bookworm");
    static final String INDEX = "main/binary-amd64/Packages.xz";
    /** What mmdebstrap asks apt for with --variant=minbase. */
    static final List<String> MINBASE = List.of("?essential", "?priority(required)", "apt");
    private static final String PART = ".part-";
    private static final String MANIFEST = ".minbase";
    /** The manifest's first line: where the data came from, to fetch it again from there if it is damaged. */
    private static final String SOURCE = "source ";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    private static final Pattern PRINTED_URI = Pattern.compile("'([^']+)' \\S+ ([0-9]+) SHA256:([0-9a-f]{64})");

    private final URI source;
    private final Path keyring;
    private final Path root;
    private final Path manifest;
    private final Path lock;
    private final String key;

    MirrorCache(Path cacheRoot, URI source, Path keyring) {
        String s = source.toString();
        this.source = URI.create(s.endsWith("/") ? s : s + "/");
        this.keyring = keyring;
        this.key = s.replaceAll("[^A-Za-z0-9.-]+", "_").replaceAll("^_+|_+$", "");
        this.root = cacheRoot.resolve(key);
        this.manifest = cacheRoot.resolve(key + MANIFEST);
        this.lock = cacheRoot.resolve(key + ".lock");
    }

    /**
     * The mirror of the first of {@code cached} whose cache is complete and still verifies; else of the first of
     * {@code sources} that can be fetched (asked for only then: apt takes seconds to list the host's sources).
     * Throws {@link SourceUnavailableException} naming every source and why, when none can be had.
     */
    static Path obtain(Path cacheRoot, List<URI> cached, Supplier<List<URI>> sources, Path keyring) throws IOException {
        for (URI source : cached) {
            MirrorCache cache = new MirrorCache(cacheRoot, source, keyring);
            if (Files.exists(cache.manifest)) {
                try {
                    return cache.get();
                } catch (SourceUnavailableException e) {
                    // Damaged and its source gone: another source may do.
                }
            }
        }
        List<URI> all = sources.get();
        List<String> reasons = new ArrayList<>();
        for (URI source : all) {
            try {
                return new MirrorCache(cacheRoot, source, keyring).get();
            } catch (SourceUnavailableException e) {
                reasons.add(e.getMessage());
            }
        }
        throw new SourceUnavailableException(all.isEmpty() ? "no Debian mirror in the host's APT sources"
                : "no source could be reached: " + String.join("; ", reasons));
    }

    /** The sources of the complete caches in {@code cacheRoot}, as their manifests name them. */
    static List<URI> cachedSources(Path cacheRoot) throws IOException {
        if (!Files.isDirectory(cacheRoot)) {
            return List.of();
        }
        List<Path> manifests;
        try (Stream<Path> s = Files.list(cacheRoot)) {
            manifests = s.filter(p -> p.getFileName().toString().endsWith(MANIFEST)).sorted().toList();
        }
        List<URI> sources = new ArrayList<>();
        for (Path m : manifests) {
            String first = Files.readAllLines(m).stream().findFirst().orElse("");
            if (first.startsWith(SOURCE)) {
                sources.add(URI.create(first.substring(SOURCE.length())));
            }
        }
        return sources;
    }

    Path root() {
        return root;
    }

    /** The mirror, fetched first when the cache is not complete or does not verify. */
    @SuppressWarnings("try") // the lock is held by being open
    Path get() throws IOException {
        Files.createDirectories(root);
        // Threads of one JVM wait here: a second FileLock on the file from the same JVM would throw.
        synchronized (MirrorCache.class) {
            try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock held = channel.lock()) {
                if (!verifies()) {
                    fetch();
                }
                return root;
            }
        }
    }

    /** Whether the cache is complete and every file in it has the digest its signed index gives. */
    boolean verifies() throws IOException {
        if (!Files.isRegularFile(manifest)) {
            return false;
        }
        for (String suite : SUITES) {
            Path inRelease = root.resolve("dists/" + suite + "/InRelease");
            if (!Files.isRegularFile(inRelease)) {
                return false;
            }
            SignedRelease release;
            try {
                release = SignedRelease.verify(inRelease, keyring);
            } catch (IllegalStateException e) {
                return false;
            }
            if (!release.file(INDEX, inRelease).matches(root.resolve("dists/" + suite + "/" + INDEX))) {
                return false;
            }
        }
        Map<String, FileHash> pool = readManifest();
        for (Map.Entry<String, FileHash> e : pool.entrySet()) {
            if (!e.getValue().matches(root.resolve(e.getKey()))) {
                return false;
            }
        }
        return pool.keySet().equals(poolFiles());
    }

    private void fetch() throws IOException {
        Files.deleteIfExists(manifest);
        deleteParts();
        for (String suite : SUITES) {
            String dir = "dists/" + suite + "/";
            Path inRelease = root.resolve(dir + "InRelease");
            Files.createDirectories(inRelease.getParent());
            Path signed = Files.createTempFile(inRelease.getParent(), PART + "InRelease-", "");
            try {
                try (InputStream in = open(dir + "InRelease"); OutputStream out = Files.newOutputStream(signed)) {
                    FileHash.copy(in, out);
                }
                SignedRelease release = SignedRelease.verify(signed, keyring);
                FileHash index = release.file(INDEX, signed);
                Path indexFile = root.resolve(dir + INDEX);
                if (!index.matches(indexFile)) {
                    try {
                        download(dir + INDEX, indexFile, index);
                    } catch (IllegalStateException changed) {
                        if (!release.byHash()) {
                            throw changed;
                        }
                        // The mirror moved on between the two requests; by hash, the file is the one signed.
                        try {
                            download(dir + "main/binary-amd64/by-hash/SHA256/" + index.sha256(), indexFile, index);
                        } catch (SourceUnavailableException noByHash) {
                            changed.addSuppressed(noByHash);
                            throw changed;
                        }
                    }
                }
                publish(signed, inRelease);
            } finally {
                Files.deleteIfExists(signed);
            }
        }
        Map<String, FileHash> pool = selectMinbase();
        for (Map.Entry<String, FileHash> e : pool.entrySet()) {
            Path deb = root.resolve(e.getKey());
            if (!e.getValue().matches(deb)) {
                download(e.getKey(), deb, e.getValue());
            }
        }
        // Packages of an earlier state of the archive are not minbase any more.
        for (String stale : poolFiles()) {
            if (!pool.containsKey(stale)) {
                Files.delete(root.resolve(stale));
            }
        }
        Path part = Files.createTempFile(manifest.getParent(), PART + key + "-", "");
        Files.writeString(part, SOURCE + source + "\n" + pool.entrySet().stream()
                .map(e -> e.getValue().sha256() + " " + e.getValue().size() + " " + e.getKey() + "\n")
                .collect(Collectors.joining()));
        publish(part, manifest);
    }

    /** Renames a verified temporary file into place, readable by all as the files of a mirror are. */
    private static void publish(Path part, Path dest) throws IOException {
        Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(part, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Copies {@code path} of the source to {@code dest} through a temporary file, if it has the expected digest. */
    private void download(String path, Path dest, FileHash expected) throws IOException {
        Files.createDirectories(dest.getParent());
        Path part = Files.createTempFile(dest.getParent(), PART, "");
        try {
            FileHash got;
            try (InputStream in = open(path); OutputStream out = Files.newOutputStream(part)) {
                got = FileHash.copy(in, out);
            } catch (SourceUnavailableException e) {
                throw e;
            } catch (IOException e) {
                throw new SourceUnavailableException(source.resolve(path) + ": " + e);
            }
            if (!got.equals(expected)) {
                throw new IllegalStateException(source.resolve(path) + " has " + got + ", but its signed index gives "
                        + expected);
            }
            publish(part, dest);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    private InputStream open(String path) throws IOException {
        URI uri;
        try {
            uri = source.resolve(new URI(null, null, path, null));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(path, e);
        }
        if ("file".equals(uri.getScheme())) {
            try {
                return Files.newInputStream(Path.of(uri));
            } catch (NoSuchFileException e) {
                throw new SourceUnavailableException(uri + ": no such file");
            }
        }
        try {
            HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                r.body().close();
                throw new SourceUnavailableException(uri + ": HTTP status " + r.statusCode());
            }
            return r.body();
        } catch (SourceUnavailableException e) {
            throw e;
        } catch (IOException e) {
            throw new SourceUnavailableException(uri + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while fetching " + uri);
        }
    }

    /**
     * Trixie minbase as apt selects it from the verified trixie index in the cache (apt checks the signature
     * and the index's digest again): pool path → SHA256 and size, as the index gives them.
     */
    private Map<String, FileHash> selectMinbase() throws IOException {
        Path work = Files.createTempDirectory(root, PART + "apt-");
        try {
            for (String d : List.of("lists/partial", "cache/archives/partial", "etc/apt.conf.d", "etc/preferences.d",
                    "etc/sources.list.d")) {
                Files.createDirectories(work.resolve(d));
            }
            Files.writeString(work.resolve("status"), "");
            Files.writeString(work.resolve("etc/sources.list"),
                    "deb [signed-by=" + keyring + "] file:" + root + " trixie main\n");
            Path config = work.resolve("apt.conf");
            Files.writeString(config, String.join("\n", "Dir \"" + work + "/\";", "Dir::State \"" + work + "/\";",
                    "Dir::State::Lists \"" + work + "/lists/\";", "Dir::State::status \"" + work + "/status\";",
                    "Dir::Cache \"" + work + "/cache/\";", "Dir::Etc \"" + work + "/etc/\";",
                    "APT::Architecture \"amd64\";", "APT::Architectures { \"amd64\"; };", "Debug::NoLocking \"true\";",
                    "Acquire::Languages \"none\";", "APT::Install-Recommends \"false\";",
                    "APT::Sandbox::User \"" + System.getProperty("user.name") + "\";", ""));
            String update = apt(config, "-q", "update");
            if (update.lines().anyMatch(l -> l.startsWith("E:") || l.startsWith("W:"))) {
                throw new IllegalStateException("apt-get update on " + root + ":\n" + update);
            }
            List<String> args = new ArrayList<>(List.of("-qq", "--print-uris", "-o", "Acquire::ForceHash=SHA256", "install"));
            args.addAll(MINBASE);
            Map<String, FileHash> pool = new TreeMap<>();
            for (String line : apt(config, args.toArray(String[]::new)).split("\n")) {
                Matcher m = PRINTED_URI.matcher(line);
                if (!m.matches()) {
                    throw new IllegalStateException("unexpected line from apt-get --print-uris: " + line);
                }
                Path deb = Path.of(URI.create(m.group(1))).normalize();
                if (!deb.startsWith(root.resolve("pool"))) {
                    throw new IllegalStateException("apt-get names a package outside the pool: " + m.group(1));
                }
                pool.put(root.relativize(deb).toString(), new FileHash(m.group(3), Long.parseLong(m.group(2))));
            }
            if (pool.isEmpty()) {
                throw new IllegalStateException("apt-get selected no package for minbase from " + root);
            }
            return pool;
        } finally {
            deleteTree(work);
        }
    }

    private static String apt(Path config, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Requirements.tool("apt-get").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("APT_CONFIG", config.toString());
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while running apt-get");
        }
        return out;
    }

    private Map<String, FileHash> readManifest() throws IOException {
        Map<String, FileHash> pool = new TreeMap<>();
        for (String line : Files.readAllLines(manifest)) {
            if (line.startsWith(SOURCE)) {
                continue;
            }
            String[] f = line.split(" ", 3);
            if (f.length != 3) {
                return Map.of();
            }
            pool.put(f[2], new FileHash(f[0], Long.parseLong(f[1])));
        }
        return pool;
    }

    private Set<String> poolFiles() throws IOException {
        Path pool = root.resolve("pool");
        if (!Files.isDirectory(pool)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.walk(pool)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".deb")).map(p -> root.relativize(p).toString())
                    .collect(Collectors.toSet());
        }
    }

    /** Leftovers of a JVM killed while it filled the cache (only called with the lock held). */
    private void deleteParts() throws IOException {
        try (Stream<Path> s = Files.list(root.getParent())) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(PART + key + "-")).toList()) {
                Files.delete(p);
            }
        }
        List<Path> parts;
        try (Stream<Path> s = Files.walk(root)) {
            parts = s.filter(p -> p.getFileName().toString().startsWith(PART)).toList();
        }
        for (Path p : parts) {
            deleteTree(p);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
