package org.aptostree.deb.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.aptostree.deb.control.ControlFieldQuery;
import org.aptostree.deb.control.Paragraph;
import org.aptostree.testkit.DebianData;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.ThrowingConsumer;

/** Every .deb of the shared pool, compared with the real dpkg-deb. */
class RealDebTest {

    /** One test per pool package: {@code test} on each, named by the file. */
    static Stream<DynamicTest> eachDeb(Supplier<List<Path>> debs, ThrowingConsumer<Path> test) {
        return Requirements.dynamicTests(debs, p -> p.getFileName().toString(), test);
    }

    static List<String> run(String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("TZ", "UTC");
        pb.environment().put("LC_ALL", "C");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command));
        List<String> lines = new ArrayList<>(List.of(out.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    static List<String> ourContents(Path deb) throws IOException {
        List<String> lines = new ArrayList<>();
        try (InputStream in = Files.newInputStream(deb); DebReader reader = DebReader.open(in)) {
            TarReader data = reader.data();
            ContentsListing listing = new ContentsListing(ZoneOffset.UTC);
            for (TarEntry e = data.next(); e != null; e = data.next()) {
                lines.add(listing.line(e));
            }
            reader.finish();
        }
        return lines;
    }

    static String ourControl(Path deb) throws IOException {
        try (InputStream in = Files.newInputStream(deb); DebReader reader = DebReader.open(in)) {
            return new String(reader.control().controlBytes(), StandardCharsets.UTF_8);
        }
    }

    @TestFactory
    Stream<DynamicTest> contentsMatchDpkgDeb() {
        return eachDeb(DebianData::minbase, this::contentsMatchDpkgDeb);
    }

    void contentsMatchDpkgDeb(Path deb) throws Exception {
        Requirements.tool("dpkg-deb");
        assertEquals(run("dpkg-deb", "-c", deb.toString()), ourContents(deb));
    }

    @TestFactory
    Stream<DynamicTest> controlMatchesDpkgDeb() {
        return eachDeb(DebianData::minbase, this::controlMatchesDpkgDeb);
    }

    void controlMatchesDpkgDeb(Path deb) throws Exception {
        Requirements.tool("dpkg-deb");
        try (InputStream in = Files.newInputStream(deb); DebReader reader = DebReader.open(in)) {
            assertEquals("2.0", reader.formatVersion());
            Paragraph control = reader.control().control();
            assertTrue(control.has("Package"));
            String dpkg = String.join("\n", run("dpkg-deb", "-f", deb.toString())) + "\n";
            assertEquals(dpkg, new String(reader.control().controlBytes(), StandardCharsets.UTF_8));
            // Every field at once (dpkg's "Name: value" form, names asked in lower case), then one alone.
            List<String> names = control.fields().stream().map(f -> f.name().toLowerCase(java.util.Locale.ROOT)).toList();
            List<String> command = new ArrayList<>(List.of("dpkg-deb", "-f", deb.toString()));
            command.addAll(names);
            command.add("no-such-field");
            List<String> asked = new ArrayList<>(names);
            asked.add("no-such-field");
            assertEquals(String.join("\n", run(command.toArray(String[]::new))) + "\n",
                    ControlFieldQuery.print(control, asked));
            assertEquals(String.join("\n", run("dpkg-deb", "-f", deb.toString(), "description")) + "\n",
                    ControlFieldQuery.print(control, List.of("description")));
        }
    }
}
