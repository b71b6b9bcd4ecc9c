package org.aptostree.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Real Debian data for tests: a partial mirror with the trixie and bookworm main/amd64 indexes ({@code InRelease},
 * {@code Packages.xz}) and the .debs of trixie minbase, verified against the Debian archive keyring of the host.
 *
 * <p>The source is {@code ../shared/data/debian-mirror} when it is beside the checkout (system property
 * {@code aptostree.shared}); otherwise {@code -Daptostree.debianMirror=URI} if given, then the mirrors of the host's
 * APT sources, as {@code apt-get indextargets} lists them. The data is copied into a cache under {@code target/}
 * (system property {@code aptostree.testData}), one directory per source, and each file is verified before it is
 * renamed into place: the {@code InRelease} signatures by {@code gpgv}, {@code Packages.xz} by its SHA256 in
 * {@code InRelease}, each .deb by its SHA256 in {@code Packages}. A complete cache is verified again and used without
 * the network (any complete cache in {@code target/test-data}, when {@code ../shared} is absent). Minbase is what
 * apt selects for {@code ?essential ?priority(required) apt} on the trixie index, as
 * {@code mmdebstrap --variant=minbase} asks it.
 *
 * <p>When no source can be reached, the calling test is skipped, or fails under {@code CI=true} (see
 * {@link Requirements}).
 */
public final class DebianData {
    /** Where the package {@code debian-archive-keyring} installs the keyring. */
    public static final Path KEYRING = Path.of("/usr/share/keyrings/debian-archive-keyring.gpg");

    private static Path mirror;
    /** Why the data could not be had, once known in this JVM: later tests report it without trying again. */
    private static String unavailable;
    private static RuntimeException failure;

    private DebianData() {
    }

    /** The Debian archive keyring of the host. */
    public static Path keyring() {
        Requirements.that(Files.isRegularFile(KEYRING),
                "the Debian archive keyring " + KEYRING + " (package debian-archive-keyring)");
        return KEYRING;
    }

    /**
     * The root of the verified partial mirror: {@code dists/{trixie,bookworm}/InRelease},
     * {@code dists/{trixie,bookworm}/main/binary-amd64/Packages.xz} and {@code pool/} with trixie minbase.
     */
    public static synchronized Path mirror() {
        if (mirror != null) {
            return mirror;
        }
        if (unavailable != null) {
            return Requirements.missing(unavailable);
        }
        if (failure != null) {
            throw new IllegalStateException(failure.getMessage(), failure);
        }
        Path keyring = keyring();
        Requirements.tools("gpgv", "apt-get");
        try {
            Optional<URI> shared = shared();
            if (shared.isPresent()) {
                mirror = MirrorCache.obtain(cacheRoot(), List.of(shared.get()), () -> List.of(shared.get()), keyring);
            } else {
                mirror = MirrorCache.obtain(cacheRoot(), MirrorCache.cachedSources(cacheRoot()), DebianData::sources,
                        keyring);
            }
            return mirror;
        } catch (SourceUnavailableException e) {
            unavailable = "real Debian data (" + e.getMessage() + ")";
            return Requirements.missing(unavailable);
        } catch (IOException e) {
            failure = new UncheckedIOException(e);
            throw failure;
        } catch (IllegalStateException | UncheckedIOException e) {
            // Data that does not verify: every later test fails with the same reason, without fetching again.
            failure = e;
            throw e;
        }
    }

    /** The .debs of trixie minbase in {@link #mirror()}'s pool, sorted by path. */
    public static List<Path> minbase() {
        try (Stream<Path> s = Files.walk(mirror().resolve("pool"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".deb")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path cacheRoot() {
        return Path.of(System.getProperty("aptostree.testData", "target/test-data")).toAbsolutePath().normalize();
    }

    /** {@code ../shared/data/debian-mirror}, when it is beside the checkout. */
    private static Optional<URI> shared() {
        String shared = System.getProperty("aptostree.shared");
        if (shared != null) {
            Path copy = Path.of(shared, "data", "debian-mirror").toAbsolutePath().normalize();
            if (Files.isRegularFile(copy.resolve("dists/trixie/InRelease"))) {
                return Optional.of(copy.toUri());
            }
        }
        return Optional.empty();
    }

    /** The sources to fetch from without ../shared, in order. */
    private static List<URI> sources() {
        List<URI> out = new ArrayList<>();
        String given = System.getProperty("aptostree.debianMirror");
        if (given != null && !given.isBlank()) {
            out.add(URI.create(given.strip()));
        }
        for (URI host : hostMirrors()) {
            if (!out.contains(host)) {
                out.add(host);
            }
        }
        return out;
    }

    /** The repositories of the host's APT sources (apt reads sources.list and sources.list.d in both formats). */
    private static List<URI> hostMirrors() {
        try {
            Process p = new ProcessBuilder(Requirements.tool("apt-get").toString(), "indextargets", "--no-release-info",
                    "--format", "$(TARGET_OF) $(REPO_URI)").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException("apt-get indextargets exited " + p.exitValue());
            }
            List<URI> uris = new ArrayList<>();
            for (String line : out.split("\n")) {
                String[] f = line.strip().split(" ");
                if (f.length == 2 && f[0].equals("deb")) {
                    URI u = URI.create(f[1]);
                    if (!uris.contains(u)) {
                        uris.add(u);
                    }
                }
            }
            return uris;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
