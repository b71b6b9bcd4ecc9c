package org.aptostree.daemon.compose;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.fetch.FetchRequest;
import org.aptostree.deb.fetch.Fetcher;
import org.aptostree.deb.index.PackageIndex;
import org.aptostree.deb.index.PackageRecord;
import org.aptostree.deb.sources.SourceEntry;
import org.aptostree.deb.sources.SourcesList;
import org.aptostree.deb.verify.IndexFile;
import org.aptostree.deb.verify.ReleaseVerifier;
import org.aptostree.deb.verify.VerificationPolicy;
import org.aptostree.deb.verify.VerifiedRelease;
import org.aptostree.openpgp.Keyring;

/**
 * The APT sources of a compose and their packages, verified as apt verifies them: the InRelease (or
 * Release + Release.gpg) against the source's Signed-By keyring, then each Packages index against the
 * SHA-256 the Release lists, before a byte of it is parsed. A verified InRelease is kept in
 * {@code CACHE/lists/} so that an offline compose can use a remote source's indexes from the cache.
 */
final class PackageSources {
    /** A package of a source's index, with the mirror it is fetched from. */
    record AvailablePackage(PackageRecord record, URI mirror) {
        URI uri() {
            String base = mirror.toString();
            return URI.create((base.endsWith("/") ? base : base + "/") + record.filename());
        }
    }

    private static final Path HOST = Path.of("/");

    private final Fetcher fetcher;
    private final Path lists;
    private final boolean offline;
    private final Path aptRoot;

    /** Sources whose keyrings are the host's. */
    PackageSources(Fetcher fetcher, Path cacheDirectory, boolean offline) {
        this(fetcher, cacheDirectory, offline, HOST);
    }

    /**
     * Sources of the system at {@code aptRoot} (a deployment): their {@code Signed-By} keyrings and apt's trusted
     * keys are that system's, not the host's.
     */
    PackageSources(Fetcher fetcher, Path cacheDirectory, boolean offline, Path aptRoot) {
        this.fetcher = fetcher;
        this.lists = cacheDirectory.resolve("lists");
        this.offline = offline;
        this.aptRoot = aptRoot;
    }

    /** The entries of a treefile's {@code sources}: deb822 stanzas, or {@code host} for the host's APT sources. */
    static List<SourceEntry> parse(String sources) throws IOException {
        if (!sources.strip().equals("host")) {
            return SourcesList.parseSources(sources);
        }
        List<SourceEntry> out = ofRoot(HOST);
        if (out.isEmpty()) {
            throw new IOException("sources: host: no APT sources in /etc/apt");
        }
        return out;
    }

    /** The APT sources of the system at {@code root}: {@code etc/apt/sources.list} and {@code sources.list.d}. */
    static List<SourceEntry> ofRoot(Path root) throws IOException {
        Path apt = root.resolve("etc/apt");
        List<SourceEntry> out = new ArrayList<>();
        Path list = apt.resolve("sources.list");
        if (Files.isRegularFile(list)) {
            out.addAll(withLocation(list, () -> SourcesList.parseList(Files.readString(list))));
        }
        Path dir = apt.resolve("sources.list.d");
        if (Files.isDirectory(dir)) {
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.sorted().toList();
            }
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(".list")) {
                    out.addAll(withLocation(f, () -> SourcesList.parseList(Files.readString(f))));
                } else if (name.endsWith(".sources")) {
                    out.addAll(withLocation(f, () -> SourcesList.parseSources(Files.readString(f))));
                }
            }
        }
        return out;
    }

    private interface Parse {
        List<SourceEntry> run() throws IOException;
    }

    private static List<SourceEntry> withLocation(Path file, Parse parse) throws IOException {
        try {
            return parse.run();
        } catch (DebFormatException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** A verified Packages index in the cache, and the mirror its Filename fields are relative to. */
    record VerifiedIndex(URI mirror, Path file, String sha256) {
    }

    /** Reads the packages of verified indexes. */
    static List<AvailablePackage> packages(List<VerifiedIndex> indexes) throws IOException {
        List<AvailablePackage> out = new ArrayList<>();
        for (VerifiedIndex index : indexes) {
            PackageIndex.read(index.file(), r -> out.add(new AvailablePackage(r, index.mirror())));
        }
        return out;
    }

    /** The verified Packages index of every {@code deb} source for {@code architecture} (which lists {@code all} too). */
    List<VerifiedIndex> indexes(List<SourceEntry> entries, String architecture) throws IOException {
        List<VerifiedIndex> out = new ArrayList<>();
        for (SourceEntry entry : entries) {
            if (entry.disabled() || !entry.types().contains("deb")) {
                continue;
            }
            if (!entry.architectures().isEmpty() && !entry.architectures().contains(architecture)) {
                continue;
            }
            Keyring keyring = keyring(entry);
            for (String uri : entry.uris()) {
                URI mirror = URI.create(uri.endsWith("/") ? uri : uri + "/");
                for (String suite : entry.suites()) {
                    String dist = entry.isFlat() ? suite : "dists/" + suite + "/";
                    VerifiedRelease release = release(mirror, dist, keyring, entry);
                    List<String> components = entry.isFlat() ? List.of("") : entry.components();
                    for (String component : components) {
                        out.add(index(mirror, dist, release, component, architecture));
                    }
                }
            }
        }
        return out;
    }

    private Keyring keyring(SourceEntry entry) throws IOException {
        if (entry.hasEmbeddedKey()) {
            return Keyring.parse(entry.signedBy().get(0).getBytes(StandardCharsets.UTF_8));
        }
        List<Path> files = new ArrayList<>();
        for (String s : entry.signedBy()) {
            if (!s.startsWith("/")) {
                throw new IOException("source at line " + entry.line() + ": Signed-By '" + s
                        + "' is not a keyring path (fingerprints are not supported)");
            }
            files.add(aptRoot.resolve(s.substring(1)));
        }
        if (files.isEmpty()) {
            // apt's fallback: the keys trusted for every source.
            Path dir = aptRoot.resolve("etc/apt/trusted.gpg.d");
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    s.filter(p -> p.toString().endsWith(".gpg") || p.toString().endsWith(".asc")).sorted().forEach(files::add);
                }
            }
            if (Files.isRegularFile(aptRoot.resolve("etc/apt/trusted.gpg"))) {
                files.add(aptRoot.resolve("etc/apt/trusted.gpg"));
            }
            if (files.isEmpty()) {
                throw new IOException("source at line " + entry.line() + ": no Signed-By and no keys in " + dir);
            }
        }
        return Keyring.load(files);
    }

    private VerifiedRelease release(URI mirror, String dist, Keyring keyring, SourceEntry entry) throws IOException {
        ReleaseVerifier verifier = new ReleaseVerifier(keyring, VerificationPolicy.at(Instant.now()));
        Path cached = lists.resolve(cacheName(mirror, dist) + "InRelease");
        boolean remote = Fetcher.isRemote(mirror);
        try {
            if (offline && remote) {
                if (!Files.isRegularFile(cached)) {
                    throw new IOException("offline: no cached InRelease for " + mirror + dist + " (run once online first)");
                }
                return verifier.verifyInRelease(Files.readAllBytes(cached));
            }
            Optional<byte[]> inRelease = fetcher.readUnverified(mirror.resolve(dist + "InRelease"));
            if (inRelease.isPresent()) {
                VerifiedRelease verified = verifier.verifyInRelease(inRelease.get());
                if (remote) {
                    Files.createDirectories(lists);
                    Path tmp = Files.createTempFile(lists, "InRelease", ".tmp");
                    Files.write(tmp, inRelease.get());
                    Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
                return verified;
            }
            byte[] release = fetcher.readUnverified(mirror.resolve(dist + "Release"))
                    .orElseThrow(() -> new IOException(mirror + dist + ": no InRelease and no Release file"));
            byte[] signature = fetcher.readUnverified(mirror.resolve(dist + "Release.gpg"))
                    .orElseThrow(() -> new IOException(mirror + dist + ": the repository is not signed (no InRelease, no Release.gpg)"));
            return verifier.verifyDetached(release, signature);
        } catch (DebFormatException e) {
            throw new IOException(mirror + dist + ": " + e.getMessage() + " (source at line " + entry.line() + ")", e);
        }
    }

    /** The cached, verified Packages index: the smallest-to-read compression the Release lists and the mirror has. */
    private VerifiedIndex index(URI mirror, String dist, VerifiedRelease release, String component, String architecture)
            throws IOException {
        List<IndexFile> files = new ArrayList<>();
        if (component.isEmpty()) {
            // A flat repository lists its Packages at the top.
            release.release().files().values().stream().filter(f -> f.path().startsWith("Packages")).forEach(files::add);
        } else {
            files.addAll(release.release().packagesIndexes(component, architecture));
        }
        files.sort(java.util.Comparator.comparingInt(PackageSources::preference));
        IOException last = null;
        for (IndexFile f : files) {
            if (f.sha256() == null || preference(f) > 3) {
                continue;
            }
            try {
                return new VerifiedIndex(mirror, fetcher.fetch(new FetchRequest(mirror.resolve(dist + f.path()), f.size(), f.sha256())),
                        f.sha256());
            } catch (DebFormatException e) {
                throw e;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IOException(mirror + dist + ": no usable Packages index for " + (component.isEmpty() ? "" : component + "/")
                + architecture + (last != null ? ": " + last.getMessage() : " in the Release file"));
    }

    private static int preference(IndexFile f) {
        String p = f.path();
        if (p.endsWith(".xz")) {
            return 0;
        }
        if (p.endsWith(".zst")) {
            return 1;
        }
        if (p.endsWith(".gz")) {
            return 2;
        }
        return p.endsWith("Packages") ? 3 : 4;
    }

    private static String cacheName(URI mirror, String dist) {
        return (mirror.getHost() == null ? "" : mirror.getHost()) + (mirror.getPath() + dist).replace('/', '_');
    }
}
