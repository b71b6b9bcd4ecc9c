package org.aptostree.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Filling a cache from a source: what does not verify is refused with the file named, a complete cache is used
 * without its source, and JVMs filling one cache at once leave it whole. The sources here are copies of the
 * verified data (hard links, apart from the file a test damages).
 */
class MirrorCacheTest {
    @TempDir
    Path dir;

    private Path mirror;

    @BeforeEach
    void data() {
        mirror = DebianData.mirror();
    }

    /** A source made of hard links to the verified data, except {@code damaged}, which is copied with one byte changed. */
    private URI source(String damaged, int at) throws IOException {
        Path source = dir.resolve("source");
        List<Path> files;
        try (Stream<Path> s = Files.walk(mirror)) {
            files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        }
        for (Path f : files) {
            String rel = mirror.relativize(f).toString();
            Path link = source.resolve(rel);
            Files.createDirectories(link.getParent());
            if (rel.equals(damaged)) {
                byte[] bytes = Files.readAllBytes(f);
                int i = at >= 0 ? at : bytes.length / 2;
                bytes[i] ^= 1;
                Files.write(link, bytes);
            } else {
                try {
                    Files.createLink(link, f);
                } catch (IOException otherFileSystem) {
                    Files.copy(f, link);
                }
            }
        }
        return source.toUri();
    }

    private MirrorCache cache(URI source) {
        return new MirrorCache(dir.resolve("cache"), source, DebianData.keyring());
    }

    @Test
    void aChangedByteInTheSignedTextOfInReleaseIsRefused() throws Exception {
        String text = Files.readString(mirror.resolve("dists/trixie/InRelease"), StandardCharsets.UTF_8);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> cache(source("dists/trixie/InRelease", text.indexOf("Codename: ") + 11)).get());
        assertTrue(e.getMessage().startsWith("gpgv refused ") && e.getMessage().contains("BADSIG"), e.getMessage());
    }

    @Test
    void anIndexNotMatchingItsSignedDigestIsRefused() throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> cache(source("dists/bookworm/" + MirrorCache.INDEX, -1)).get());
        assertTrue(e.getMessage().contains("dists/bookworm/main/binary-amd64/Packages.xz has SHA256 ")
                && e.getMessage().contains("but its signed index gives"), e.getMessage());
        assertNoParts(dir.resolve("cache"));
    }

    @Test
    void aDebNotMatchingItsSignedDigestIsRefused() throws Exception {
        String victim = mirror.relativize(DebianData.minbase().get(0)).toString();
        MirrorCache cache = cache(source(victim, -1));
        IllegalStateException e = assertThrows(IllegalStateException.class, cache::get);
        assertTrue(e.getMessage().contains(victim + " has SHA256 "), e.getMessage());
        assertFalse(Files.exists(cache.root().resolve(victim)), "nothing unverified in the cache");
        assertFalse(cache.verifies());
    }

    @Test
    void aCompleteCacheIsUsedWithoutItsSourceAndADamagedOneIsNot() throws Exception {
        URI source = source("", 0);
        MirrorCache cache = cache(source);
        Path root = cache.get();
        assertTrue(cache.verifies());
        List<String> debs = names(root);
        assertEquals(names(mirror), debs);
        deleteTree(dir.resolve("source"));
        assertEquals(root, cache(source).get(), "offline, from the cache");
        Path cacheRoot = dir.resolve("cache");
        assertEquals(List.of(source), MirrorCache.cachedSources(cacheRoot));
        assertEquals(root, MirrorCache.obtain(cacheRoot, MirrorCache.cachedSources(cacheRoot),
                () -> fail("the sources are not needed when a cache is complete"), DebianData.keyring()));
        Path deb = root.resolve(debs.get(debs.size() / 2));
        byte[] bytes = Files.readAllBytes(deb);
        bytes[100] ^= 1;
        Files.write(deb, bytes);
        assertFalse(cache.verifies());
        SourceUnavailableException e = assertThrows(SourceUnavailableException.class, () -> cache(source).get());
        assertTrue(e.getMessage().contains("InRelease: no such file"), e.getMessage());
    }

    @Test
    void jvmsFillingOneCacheAtOnceLeaveItWhole() throws Exception {
        URI source = source("", 0);
        Path cacheRoot = dir.resolve("cache");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> jvms = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            jvms.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), FillCache.class.getName(),
                    cacheRoot.toString(), source.toString(), DebianData.keyring().toString())
                    .redirectErrorStream(true).start());
        }
        List<String> printed = new ArrayList<>();
        for (Process p : jvms) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
            printed.add(out.strip());
        }
        assertEquals(printed.get(0), printed.get(1));
        MirrorCache cache = cache(source);
        assertTrue(cache.verifies());
        assertEquals(names(mirror), names(cache.root()));
        assertNoParts(cacheRoot);
    }

    private static List<String> names(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root.resolve("pool"))) {
            return s.filter(p -> p.toString().endsWith(".deb")).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    private static void assertNoParts(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().startsWith(".part-")).toList());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
