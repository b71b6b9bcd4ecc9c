package org.aptostree.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.aptostree.deb.control.Deb822Reader;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real apt as a judge of pin priorities and candidates: a generated file: repository with three suites
 * (stable, oldstable, experimental with NotAutomatic), a dpkg status file, and several preferences files given
 * with {@code -o Dir::Etc::preferences=}; {@code apt-cache policy} must show the same priority for every
 * version and the same candidate for every package as our Universe.
 */
class PreferencesAptPolicyTest {
    @TempDir
    static Path dir;
    private static Path aptConfig;
    private static final Map<String, String> PACKAGES = new LinkedHashMap<>();
    private static final Map<String, String> RELEASES = new LinkedHashMap<>();
    private static final String STATUS = """
            Package: foo
            Status: install ok installed
            Version: 2
            Architecture: amd64

            Package: qux
            Status: install ok installed
            Version: 5
            Architecture: amd64
            """;

    static {
        PACKAGES.put("stable", stanzas("foo 2", "bar 1.0", "qux 4", "lib 2.1"));
        PACKAGES.put("oldstable", stanzas("foo 1", "bar 1.0", "baz 0.9", "qux 3", "lib 1.9"));
        PACKAGES.put("experimental", stanzas("foo 3", "baz 1.1", "lib 3.0~rc1", "qux 6"));
        RELEASES.put("stable", "Origin: Debian\nLabel: Debian\nSuite: stable\nVersion: 13.8\nCodename: trixie\n");
        RELEASES.put("oldstable", "Origin: Debian\nLabel: Debian\nSuite: oldstable\nVersion: 12.15\nCodename: bookworm\n");
        RELEASES.put("experimental", "Origin: Debian\nLabel: Debian\nSuite: experimental\nCodename: rc-buggy\n"
                + "NotAutomatic: yes\n");
    }

    private static final List<String> PREFERENCES = List.of(
            "",
            "Package: *\nPin: release n=bookworm\nPin-Priority: 990\n",
            "Package: *\nPin: release a=experimental\nPin-Priority: 600\n\nPackage: *\nPin: release o=Debian\nPin-Priority: 50\n",
            "Package: foo\nPin: version 1*\nPin-Priority: 1001\n\nPackage: f* b*\nPin: release a=experimental\nPin-Priority: 700\n",
            "Package: *\nPin: release v=12*\nPin-Priority: 1000\n\nPackage: qux\nPin: release a=now\nPin-Priority: -1\n",
            "Package: *\nPin: origin \"\"\nPin-Priority: 200\n\nPackage: /^l/\nPin: release n=rc-buggy\nPin-Priority: 501\n",
            "Package: *\nPin: release a=stable\nPin-Priority: never\n\nPackage: bar\nPin: version 1.0\nPin-Priority: 900\n",
            "Explanation: several\nExplanation: lines\nPackage: *\nPin: release *\nPin-Priority: -5\n\n"
                    + "Package: baz lib\nPin: release c=main, b=amd64, l=Debian\nPin-Priority: 100\n");

    private static String stanzas(String... nameVersions) {
        StringBuilder out = new StringBuilder();
        for (String nv : nameVersions) {
            String[] parts = nv.split(" ");
            out.append("Package: ").append(parts[0]).append("\nVersion: ").append(parts[1])
                    .append("\nArchitecture: amd64\nFilename: pool/").append(parts[0]).append(".deb\nSize: 1\n\n");
        }
        return out.toString();
    }

    @BeforeEach
    void setUp() throws Exception {
        Requirements.tools("apt-get", "apt-cache");
        if (aptConfig != null) {
            return;
        }
        Path repo = dir.resolve("repo");
        StringBuilder sources = new StringBuilder();
        for (String suite : PACKAGES.keySet()) {
            Path index = repo.resolve("dists/" + suite + "/main/binary-amd64/Packages");
            Files.createDirectories(index.getParent());
            byte[] bytes = PACKAGES.get(suite).getBytes(StandardCharsets.UTF_8);
            Files.write(index, bytes);
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            Files.writeString(repo.resolve("dists/" + suite + "/Release"), RELEASES.get(suite)
                    + "Architectures: amd64\nComponents: main\nDate: Sat, 21 Nov 2026 09:15:44 UTC\nSHA256:\n "
                    + sha + " " + bytes.length + " main/binary-amd64/Packages\n");
            sources.append("deb [trusted=yes] file:").append(repo).append(' ').append(suite).append(" main\n");
        }
        for (String sub : List.of("lists/partial", "cache", "etc/apt/apt.conf.d", "etc/apt/preferences.d",
                "etc/apt/sources.list.d", "archives/partial")) {
            Files.createDirectories(dir.resolve(sub));
        }
        Files.writeString(dir.resolve("status"), STATUS);
        Files.writeString(dir.resolve("etc/apt/sources.list"), sources.toString());
        aptConfig = dir.resolve("apt.conf");
        Files.writeString(aptConfig, String.join("\n",
                "Dir \"" + dir + "/\";", "Dir::State \"" + dir + "/\";", "Dir::State::Lists \"" + dir + "/lists/\";",
                "Dir::State::status \"" + dir + "/status\";", "Dir::Cache \"" + dir + "/cache/\";",
                "Dir::Etc \"" + dir + "/etc/apt/\";", "APT::Architecture \"amd64\";",
                "APT::Architectures { \"amd64\"; };", "Debug::NoLocking \"true\";", "Acquire::Languages \"none\";", ""));
        run("apt-get", "-q", "update");
    }

    private static List<String> run(String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("APT_CONFIG", aptConfig.toString());
        pb.environment().put("LC_ALL", "C");
        Process process = pb.start();
        List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertTrue(process.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, process.exitValue(), () -> String.join("\n", lines));
        return lines;
    }

    /** name → "candidate; version=priority …" as apt-cache policy prints them. */
    private static Map<String, String> aptPolicy(Path preferences) throws Exception {
        List<String> lines = run("apt-cache", "-o", "Dir::Etc::preferences=" + preferences,
                "-o", "Dir::Etc::preferencesparts=" + dir.resolve("etc/apt/preferences.d"),
                "policy", "foo", "bar", "baz", "qux", "lib");
        Map<String, String> out = new TreeMap<>();
        String name = null;
        String candidate = null;
        Map<String, String> versions = new TreeMap<>();
        for (String line : lines) {
            if (!line.startsWith(" ") && line.endsWith(":")) {
                if (name != null) {
                    out.put(name, candidate + "; " + versions);
                }
                name = line.substring(0, line.length() - 1);
                versions = new TreeMap<>();
            } else if (line.trim().startsWith("Candidate:")) {
                candidate = line.trim().substring("Candidate:".length()).trim();
            } else if (line.matches(" (\\*\\*\\*| {3}) \\S+ -?\\d+")) {
                String[] parts = line.substring(5).trim().split(" ");
                versions.put(parts[0], parts[1]);
            }
        }
        out.put(name, candidate + "; " + versions);
        return out;
    }

    private static Map<String, String> ourPolicy(String preferences) throws Exception {
        Universe.Builder b = Universe.builder("amd64").preferences(AptPreferences.parse(preferences, "p"));
        for (String suite : PACKAGES.keySet()) {
            IndexRelease release = IndexRelease.of(Deb822Reader.parseAll(RELEASES.get(suite)).get(0), "main", "amd64", "");
            Stanzas.parse(PACKAGES.get(suite)).forEach(p -> b.addAvailable(p, release));
        }
        Stanzas.parse(STATUS).forEach(b::addInstalled);
        Universe u = b.build();
        Map<String, String> out = new TreeMap<>();
        for (String name : List.of("foo", "bar", "baz", "qux", "lib")) {
            Map<String, String> versions = new TreeMap<>();
            for (PackageVersion v : u.versions(name)) {
                versions.put(v.version().toString(), String.valueOf(u.priority(v).getAsInt()));
            }
            out.put(name, u.candidate(name, "amd64").map(p -> p.version().toString()).orElse("(none)") + "; " + versions);
        }
        return out;
    }

    @Test
    void prioritiesAndCandidatesAreApts() throws Exception {
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < PREFERENCES.size(); i++) {
            Path file = dir.resolve("preferences-" + i);
            Files.writeString(file, PREFERENCES.get(i));
            Map<String, String> apt = aptPolicy(file);
            Map<String, String> ours = ourPolicy(PREFERENCES.get(i));
            System.out.println("apt-cache policy with preferences " + i + ": " + apt);
            assertEquals(5, apt.size(), apt::toString);
            if (!apt.equals(ours)) {
                differences.add("preferences " + i + ":\n" + PREFERENCES.get(i) + "apt:  " + apt + "\nours: " + ours);
            }
        }
        assertEquals(List.of(), differences, () -> String.join("\n\n", differences));
        // the parse of apt's output is not vacuous: the bookworm pin moved lib's candidate, not installed foo's (990 < 1000)
        Map<String, String> bookworm = aptPolicy(dir.resolve("preferences-1"));
        assertEquals("1.9; {1.9=990, 2.1=500, 3.0~rc1=1}", bookworm.get("lib"));
        assertEquals("2; {1=990, 2=500, 3=1}", bookworm.get("foo"));
    }
}
