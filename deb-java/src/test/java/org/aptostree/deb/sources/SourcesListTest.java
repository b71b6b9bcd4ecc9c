package org.aptostree.deb.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.aptostree.deb.DebFormatException;
import org.aptostree.openpgp.Keyring;
import org.junit.jupiter.api.Test;

class SourcesListTest {

    @Test
    void oneLineFormat() throws Exception {
        List<SourceEntry> entries = SourcesList.parseList("""
                # comment
                deb http://deb.debian.org/debian trixie main contrib # trailing
                deb [ arch=amd64,arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg check-valid-until=no ] https://x.example/debian bookworm main
                deb-src [arch+=i386 trusted=yes] file:/srv/repo ./
                """);
        assertEquals(3, entries.size());
        assertEquals(List.of("main", "contrib"), entries.get(0).components());
        assertEquals(2, entries.get(0).line());
        SourceEntry second = entries.get(1);
        assertEquals(List.of("amd64", "arm64"), second.architectures());
        assertEquals(List.of("/usr/share/keyrings/debian-archive-keyring.gpg"), second.signedBy());
        assertEquals(List.of("no"), second.option("check-valid-until"));
        SourceEntry flat = entries.get(2);
        assertTrue(flat.isFlat());
        assertEquals(List.of("i386"), flat.option("Architectures-Add"));
        assertEquals(Boolean.TRUE, flat.trusted());
        assertEquals(List.of("deb-src"), flat.types());
    }

    @Test
    void deb822Format() throws Exception {
        List<SourceEntry> entries = SourcesList.parseSources("""
                # Debian
                Types: deb deb-src
                URIs: http://deb.debian.org/debian
                Suites: trixie trixie-updates
                Components: main
                Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

                Types: deb
                URIs: file:/srv/flat
                Suites: ./
                Enabled: no
                """);
        assertEquals(2, entries.size());
        assertEquals(List.of("deb", "deb-src"), entries.get(0).types());
        assertEquals(List.of("trixie", "trixie-updates"), entries.get(0).suites());
        assertFalse(entries.get(0).hasEmbeddedKey());
        assertTrue(entries.get(1).disabled());
        assertTrue(entries.get(1).isFlat());
    }

    @Test
    void embeddedSignedByKeyIsUsable() throws Exception {
        String armored = org.aptostree.openpgp.CraftedKey.signingKey(java.time.Instant.parse("2025-01-01T00:00:00Z"), 0).armoredPublicKey();
        StringBuilder field = new StringBuilder("Signed-By:\n");
        for (String line : armored.split("\n")) {
            field.append(' ').append(line.isBlank() ? "." : line).append('\n');
        }
        List<SourceEntry> entries = SourcesList.parseSources("Types: deb\nURIs: http://x/\nSuites: s\nComponents: main\n" + field);
        assertTrue(entries.get(0).hasEmbeddedKey());
        assertEquals(1, Keyring.parse(entries.get(0).signedBy().get(0).getBytes(java.nio.charset.StandardCharsets.US_ASCII)).size());
    }

    @Test
    void errorsCarryLines() {
        DebFormatException e = assertThrows(DebFormatException.class, () -> SourcesList.parseList("\ndeb http://x trixie\n"));
        assertEquals(2, e.line());
        assertThrows(DebFormatException.class, () -> SourcesList.parseList("rpm http://x a b\n"));
        assertThrows(DebFormatException.class, () -> SourcesList.parseList("deb [arch=amd64 http://x a b\n"));
        assertThrows(DebFormatException.class, () -> SourcesList.parseList("deb http://x ./ main\n"));
        assertThrows(DebFormatException.class, () -> SourcesList.parseSources("Types: deb\nURIs: http://x\n"));
    }
}
