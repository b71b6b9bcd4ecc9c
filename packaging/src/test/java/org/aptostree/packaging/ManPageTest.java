package org.aptostree.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import org.aptostree.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The generated man pages as groff and man-db read them. */
class ManPageTest {
    /** Any text comes out of groff as it went in (Debian's groff prints - and \- alike, as ASCII). */
    @Property(tries = 40)
    void textShownAsIsRendersAsWritten(@ForAll("lines") List<String> lines) throws Exception {
        Commands.require(List.of("groff"), false);
        String troff = new ManPage("t", 1, "2026-01-01", "test", "Test").example(lines).troff();
        Commands.Result r = groff(troff);
        assertEquals("", r.err(), troff);
        List<String> shown = new ArrayList<>();
        boolean in = false;
        for (String l : r.out().lines().toList()) {
            // The block sits between the page's header line (with its blank line) and its footer.
            if (!in && l.startsWith("T(1)")) {
                in = true;
                continue;
            }
            if (in && !l.isBlank() && !l.strip().startsWith("test") && !l.strip().endsWith("T(1)")) {
                shown.add(l.strip());
            }
        }
        assertEquals(lines, shown, troff);
    }

    @Provide
    Arbitrary<List<String>> lines() {
        Arbitrary<Character> chars = Arbitraries.oneOf(Arbitraries.chars().range(' ', '~'), Arbitraries.chars().with('é', 'ß', '—', '’', '€', 'ü'));
        return chars.list().ofMinSize(1).ofMaxSize(40).map(cs -> {
            StringBuilder b = new StringBuilder();
            cs.forEach(b::append);
            return b.toString().strip();
        }).filter(s -> !s.isEmpty() && !s.startsWith("test") && !s.endsWith("T(1)")).list().ofMinSize(1).ofMaxSize(8);
    }

    @Test
    void everyPageFormatsWithoutWarningsAndHasANameLineForWhatis(@TempDir Path out) throws Exception {
        Commands.require(List.of("groff", "lexgrog"), false);
        PackageFiles.write(out, "1.0", Instant.parse("2026-01-01T00:00:00Z"), shippedConfiguration());
        Map<String, String> pages = Map.of("man8/apt-ostree.8.gz", "apt-ostree", "man8/apt-ostreed.8.gz", "apt-ostreed",
                "man5/apt-ostreed.conf.5.gz", "apt-ostreed.conf");
        for (Map.Entry<String, String> e : pages.entrySet()) {
            Path page = out.resolve("usr/share/man").resolve(e.getKey());
            String troff;
            try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(page))) {
                troff = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Commands.Result r = groff(troff);
            assertEquals("", r.err(), e.getKey());
            assertTrue(troff.chars().allMatch(c -> c < 0x80), e.getKey() + " is ASCII, whatever the reader's locale");
            // lexgrog is how man-db's mandb reads the NAME line into the whatis database.
            String whatis = Commands.run(List.of("lexgrog", page.toString()));
            assertTrue(whatis.contains("\"" + e.getValue() + " - "), whatis);
        }
    }

    @Test
    void theCommandPageDescribesEveryCommandOfTheModelOnce() {
        String troff = CommandManPage.render(Main.fullModel(), "2026-01-01", "apt-ostree 1.0");
        List<String> titles = troff.lines().filter(l -> l.startsWith(".SS ")).toList();
        List<String> expected = new ArrayList<>();
        collect(Main.fullModel(), expected);
        assertEquals(expected, titles.stream().map(t -> t.substring(5, t.length() - 1).replaceAll(" \\(also .*\\)", "")).toList());
        assertTrue(troff.contains(".SS \"apt-ostree upgrade (also update)\""), "aliases are named");
    }

    private static void collect(picocli.CommandLine command, List<String> into) {
        java.util.Set<picocli.CommandLine> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (picocli.CommandLine sub : command.getSubcommands().values()) {
            if (seen.add(sub)) {
                into.add(sub.getCommandSpec().qualifiedName(" "));
                collect(sub, into);
            }
        }
    }

    @Test
    void gzipIsWhatGzipMinus9nMakes() throws Exception {
        Commands.require(List.of("gzip"), false);
        byte[] data = "a man page\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        byte[] ours = GzipFile.compress(data);
        // Header: no name, no time, maximum compression, Unix; gzip itself decompresses and tests it.
        assertEquals(List.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3), toList(ours, 10));
        Path f = Files.createTempFile("page", ".gz");
        try {
            Files.write(f, ours);
            assertEquals("", Commands.run(List.of("gzip", "--test", f.toString())));
            assertEquals(new String(data, StandardCharsets.UTF_8), Commands.run(List.of("gzip", "-dc", f.toString())));
        } finally {
            Files.delete(f);
        }
    }

    static Path shippedConfiguration() {
        return Path.of(System.getProperty("aptostree.conf", "../daemon/src/main/dist/etc/apt-ostree/apt-ostreed.conf"));
    }

    private static List<Integer> toList(byte[] b, int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(b[i] & 0xff);
        }
        return out;
    }

    private static Commands.Result groff(String troff) throws Exception {
        Path f = Files.createTempFile("page", ".man");
        try {
            Files.writeString(f, troff);
            return Commands.exec(List.of("groff", "-man", "-Tutf8", "-ww", f.toString()), Map.of("LC_ALL", "C.UTF-8"));
        } finally {
            Files.delete(f);
        }
    }
}
