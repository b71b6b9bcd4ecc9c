package org.aptostree.daemon.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class LockfileTest {

    @TempDir
    Path dir;

    private static final String SHA = "a".repeat(64);

    private static LockedPackage pkg(String name, String arch, boolean automatic) {
        return new LockedPackage(name, "1:2.3~rc1-4+b1", arch,
                URI.create("http://deb.debian.org/debian/pool/main/" + name.charAt(0) + "/" + name + "/" + name + "_2.3~rc1-4+b1_" + arch + ".deb"),
                12345, SHA, automatic);
    }

    @Test
    void writeThenReadGivesTheSamePackages() throws IOException {
        Lockfile lock = new Lockfile(List.of(pkg("zlib1g", "amd64", true), pkg("bash", "amd64", false), pkg("base-files", "all", false)));
        Path file = dir.resolve("lock.json");
        lock.write(file);
        assertEquals(lock, Lockfile.read(file));
        // No temporary file is left beside it.
        try (var s = Files.list(dir)) {
            assertEquals(List.of(file), s.toList());
        }
    }

    @Test
    void packagesAreSortedByNameAndArchitecture() {
        Lockfile lock = new Lockfile(List.of(pkg("libc6", "i386", false), pkg("bash", "amd64", false), pkg("libc6", "amd64", false)));
        assertEquals(List.of("bash:amd64", "libc6:amd64", "libc6:i386"), lock.packages().stream().map(LockedPackage::nameArch).toList());
    }

    @Test
    void writeReplacesAnExistingFile() throws IOException {
        Path file = dir.resolve("lock.json");
        Files.writeString(file, "old");
        new Lockfile(List.of(pkg("bash", "amd64", false))).write(file);
        assertEquals(1, Lockfile.read(file).packages().size());
    }

    @Test
    void automaticDefaultsToFalse() throws IOException {
        Path file = dir.resolve("lock.json");
        Files.writeString(file, """
                {"packages": [{"name": "bash", "version": "5.2", "architecture": "amd64",
                  "uri": "http://m/pool/bash.deb", "size": 10, "sha256": "%s"}]}
                """.formatted(SHA));
        assertFalse(Lockfile.read(file).packages().get(0).automatic());
    }

    @Test
    void sizeMayBeWrittenAsAString() throws IOException {
        Path file = dir.resolve("lock.json");
        Files.writeString(file, """
                {"packages": [{"name": "bash", "version": "5.2", "architecture": "amd64",
                  "uri": "http://m/pool/bash.deb", "size": "10", "sha256": "%s", "automatic": true}]}
                """.formatted(SHA));
        LockedPackage p = Lockfile.read(file).packages().get(0);
        assertEquals(10, p.size());
        assertTrue(p.automatic());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[]", "{}", "{\"packages\": 1}", "{\"packages\": {}}", "\"text\"", "{\"packages\": [", "null"})
    void notALockfileIsAnErrorNamingTheFile(String text) throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, text);
        IOException e = assertThrows(Lockfile.LockfileException.class, () -> Lockfile.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"name", "version", "architecture", "uri", "size", "sha256"})
    void missingFieldIsAnErrorNamingTheEntryAndField(String field) throws IOException {
        Path file = dir.resolve("bad.json");
        String good = "{\"name\": \"ok\", \"version\": \"1\", \"architecture\": \"all\", \"uri\": \"http://m/ok.deb\", \"size\": 1, "
                + "\"sha256\": \"" + SHA + "\"}";
        String bad = good.replace("\"" + field + "\"", "\"other\"");
        Files.writeString(file, "{\"packages\": [" + good + ", " + bad + "]}");
        IOException e = assertThrows(Lockfile.LockfileException.class, () -> Lockfile.read(file));
        assertTrue(e.getMessage().contains(file + ": packages[1]"), e.getMessage());
        assertTrue(e.getMessage().contains("\"" + field + "\""), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"size\": \"ten\"", "\"size\": 1e99", "\"uri\": \"http://bad host/x\"", "\"name\": [\"x\"]", "\"size\": {}"})
    void badValueIsAnErrorNamingTheEntry(String replacement) throws IOException {
        Path file = dir.resolve("bad.json");
        String key = replacement.substring(0, replacement.indexOf(':'));
        String entry = "{\"name\": \"ok\", \"version\": \"1\", \"architecture\": \"all\", \"uri\": \"http://m/ok.deb\", \"size\": 1, "
                + "\"sha256\": \"" + SHA + "\"}";
        String bad = entry.replaceFirst(key + ": (\"[^\"]*\"|\\d+)", java.util.regex.Matcher.quoteReplacement(replacement));
        Files.writeString(file, "{\"packages\": [" + bad + "]}");
        IOException e = assertThrows(Lockfile.LockfileException.class, () -> Lockfile.read(file));
        assertTrue(e.getMessage().contains(file + ": packages[0]"), e.getMessage());
    }

    @Test
    void anEntryThatIsNotAnObjectIsAnError() throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"packages\": [42]}");
        IOException e = assertThrows(Lockfile.LockfileException.class, () -> Lockfile.read(file));
        assertTrue(e.getMessage().contains("packages[0]"), e.getMessage());
    }

    @Test
    void nullFieldIsAnError() throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"packages\": [{\"name\": \"ok\", \"version\": \"1\", \"architecture\": \"all\", "
                + "\"uri\": \"http://m/ok.deb\", \"size\": 1, \"sha256\": null}]}");
        IOException e = assertThrows(Lockfile.LockfileException.class, () -> Lockfile.read(file));
        assertTrue(e.getMessage().contains("packages[0]"), e.getMessage());
    }

    @Test
    void negativeSizeOrMalformedHashIsAnError() throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"packages\": [{\"name\": \"ok\", \"version\": \"1\", \"architecture\": \"all\", "
                + "\"uri\": \"http://m/ok.deb\", \"size\": -1, \"sha256\": \"xyz\"}]}");
        IOException e = assertThrows(Lockfile.LockfileException.class, () -> Lockfile.read(file));
        assertTrue(e.getMessage().contains("packages[0]"), e.getMessage());
    }

    @Property(tries = 200)
    void writeThenReadIsIdentity(@ForAll("packageLists") List<LockedPackage> packages) throws IOException {
        Path file = Files.createTempFile("lockfile-property", ".json");
        try {
            new Lockfile(packages).write(file);
            List<LockedPackage> read = Lockfile.read(file).packages();
            // The constructor sorts (stably) by name:arch; reading must give exactly that list.
            assertEquals(packages.stream().sorted(Comparator.comparing(LockedPackage::nameArch)).toList(), read);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Provide
    Arbitrary<List<LockedPackage>> packageLists() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars("+-.")
                .ofMinLength(1).ofMaxLength(20);
        // Versions with epochs, tildes and pluses, plus arbitrary non-ASCII text: the JSON must carry any string.
        Arbitrary<String> versions = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('0', '9').withChars(".:~+-abz").ofMinLength(1).ofMaxLength(15),
                Arbitraries.strings().withCharRange('\u0001', '\ud7ff').ofMaxLength(10));
        Arbitrary<String> arches = Arbitraries.of("amd64", "arm64", "all", "i386", "ppc64el");
        Arbitrary<String> hashes = Arbitraries.strings().withChars("0123456789abcdef").ofLength(64);
        Arbitrary<LockedPackage> one = Combinators.combine(names, versions, arches, Arbitraries.longs().greaterOrEqual(0),
                hashes, Arbitraries.of(true, false)).as((n, v, a, size, sha, auto) -> new LockedPackage(n, v, a,
                        URI.create("http://deb.debian.org/debian/pool/main/" + n + "_" + size + "_" + a + ".deb"), size, sha, auto));
        return one.list().ofMaxSize(30);
    }
}
