package org.aptostree.deb.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.compression.Compression;
import org.aptostree.deb.control.RelationField;
import org.aptostree.deb.version.Version;
import org.aptostree.testkit.DebianData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PackageIndexTest {

    @ParameterizedTest
    @ValueSource(strings = {"trixie", "bookworm"})
    void everyStanzaOfTheRealIndexParses(String suite) throws Exception {
        Path file = DebianData.mirror().resolve("dists/" + suite + "/main/binary-amd64/Packages.xz");
        List<PackageRecord> all = PackageIndex.readAll(file);
        assertTrue(all.size() > 50_000, "only " + all.size() + " stanzas");
        Set<String> names = new HashSet<>();
        for (PackageRecord r : all) {
            names.add(r.name());
            assertTrue(r.filename().startsWith("pool/"), r.toString());
            assertTrue(r.size() > 0, r.toString());
            assertEquals(64, r.sha256().length(), r.toString());
        }
        assertTrue(names.contains("dpkg"));
        PackageRecord libc = all.stream().filter(r -> r.name().equals("libc6")).findFirst().orElseThrow();
        assertEquals(MultiArch.SAME, libc.multiArch());
        assertEquals("glibc", libc.sourceName());
        assertTrue(all.stream().anyMatch(r -> r.essential() && r.name().equals("dpkg")));
        assertTrue(all.stream().anyMatch(r -> !r.provides().isEmpty()));
    }

    @Test
    void readsEveryCompressionAndReportsLines() throws Exception {
        String text = "Package: a\nVersion: 1.0-1\nArchitecture: amd64\nDepends: b (>= 2) | c\nProvides: d (= 1)\n\n"
                + "Package: b\nVersion: 2\nArchitecture: all\nMulti-Arch: foreign\nEssential: yes\n";
        List<PackageRecord> records = new ArrayList<>();
        PackageIndex.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), null, records::add);
        assertEquals(2, records.size());
        assertEquals(Version.parse("1.0-1"), records.get(0).version());
        assertEquals("b (>= 2) | c", records.get(0).relations(RelationField.DEPENDS).get(0).toString());
        assertTrue(records.get(1).essential());
        assertFalse(records.get(0).essential());
        assertEquals(MultiArch.FOREIGN, records.get(1).multiArch());

        String badVersion = "Package: a\nVersion: 1\nArchitecture: all\n\nPackage: b\nDescription: x\n y\nVersion: 1:\n"
                + "Architecture: all\n";
        DebFormatException e = assertThrows(DebFormatException.class, () -> PackageIndex.read(
                new ByteArrayInputStream(badVersion.getBytes(StandardCharsets.UTF_8)), Compression.NONE, r -> { }));
        assertEquals(8, e.line());
    }

    @Test
    void aMalformedRelationIsReportedWithItsLineWhenAskedFor() throws Exception {
        String bad = "Package: a\nVersion: 1\nArchitecture: all\n\nPackage: b\nVersion: 1\nArchitecture: all\n"
                + "Description: x\n y\nBreaks: a | b\n";
        List<PackageRecord> records = new ArrayList<>();
        PackageIndex.read(new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8)), Compression.NONE, records::add);
        assertEquals(List.of(), records.get(1).depends());
        UncheckedIOException thrown = assertThrows(UncheckedIOException.class, () -> records.get(1).breaks());
        DebFormatException e = assertInstanceOf(DebFormatException.class, thrown.getCause());
        assertEquals(10, e.line());
        assertEquals("alternatives ('|') not allowed in 'Breaks' field", e.reason());
        assertTrue(thrown.getMessage().startsWith("b 1 all: "), thrown.getMessage());
        // Asked again, the same error: nothing half-parsed was kept.
        assertThrows(UncheckedIOException.class, () -> records.get(1).relations(RelationField.BREAKS));
        // Asked for while reading, it ends the reading with the checked error, as eager parsing did.
        DebFormatException whileReading = assertThrows(DebFormatException.class, () -> PackageIndex.read(
                new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8)), Compression.NONE, r -> r.breaks()));
        assertEquals(10, whileReading.line());
        // A record made from the stanza itself is checked at once.
        DebFormatException eager = assertThrows(DebFormatException.class, () -> PackageRecord.from(records.get(1).paragraph()));
        assertEquals(e.reason(), eager.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"trixie", "bookworm"})
    void relationsParsedWhenAskedForAreThoseOfParsingTheStanza(String suite) throws Exception {
        Path file = DebianData.mirror().resolve("dists/" + suite + "/main/binary-amd64/Packages.xz");
        int[] withRelations = new int[1];
        PackageIndex.read(file, read -> {
            PackageRecord parsed = PackageRecord.from(read.paragraph());
            assertEquals(parsed, read);
            assertEquals(parsed.name(), read.name());
            assertEquals(parsed.version(), read.version());
            assertEquals(parsed.architecture(), read.architecture());
            assertEquals(parsed.multiArch(), read.multiArch());
            assertEquals(parsed.essential(), read.essential());
            for (RelationField field : RelationField.values()) {
                assertEquals(parsed.relations(field), read.relations(field), () -> read + " " + field);
            }
            assertEquals(parsed.depends(), read.depends());
            assertEquals(parsed.provides(), read.provides());
            if (!read.depends().isEmpty()) {
                withRelations[0]++;
            }
        });
        assertTrue(withRelations[0] > 40_000, withRelations[0] + " records with Depends");
    }

    @Test
    void sharedDependenciesReadAsTheWholeValueParses() throws Exception {
        // Dependencies are parsed part by part and shared across records; the result and the errors
        // must be those of parsing the whole value, also for a comma inside a version.
        String[] values = {"a (>= 1), b", " b ,a (>= 1) ,\n c:any (<< 2)", "x (= 1,2), b", "a, , b", "a,", "a (>= 1), b | c"};
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            try {
                RelationField.DEPENDS.parse(values[i]);
            } catch (DebFormatException e) {
                continue;
            }
            text.append("Package: p").append(i).append("\nVersion: 1\nArchitecture: all\nDepends: ")
                    .append(values[i]).append("\n\n");
        }
        for (int i = 0; i < values.length; i++) {
            String one = "Package: p\nVersion: 1\nArchitecture: all\nDepends: " + values[i] + "\n";
            List<PackageRecord> read = new ArrayList<>();
            Object expected;
            try {
                expected = RelationField.DEPENDS.parse(values[i]);
            } catch (DebFormatException e) {
                expected = e.reason();
            }
            Object actual;
            try {
                // After the earlier stanzas, so that their parts are shared.
                PackageIndex.read(new ByteArrayInputStream((text + one).getBytes(StandardCharsets.UTF_8)),
                        Compression.NONE, r -> {
                            if (r.name().equals("p")) {
                                read.add(r);
                            }
                        });
                actual = read.get(0).depends();
            } catch (UncheckedIOException e) {
                actual = ((DebFormatException) e.getCause()).reason();
            }
            assertEquals(expected, actual, values[i]);
            assertEquals(expected.toString(), actual.toString(), values[i]);
        }
    }
}
