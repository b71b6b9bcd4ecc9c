package org.aptostree.deb.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.aptostree.deb.DebFormatException;
import org.junit.jupiter.api.Test;

class Deb822ReaderTest {

    @Test
    void readsStanzasWithContinuationLinesAndKeepsOrder() throws Exception {
        String text = "Package: hello\nVersion: 2.10-3\nDescription: greet\n the world\n .\n twice  \n"
                + "Zeta: z\nalpha:   a  \n\n\n  \nPackage: b\nConffiles:\n /etc/b abc\n";
        List<Paragraph> ps = Deb822Reader.parseAll(text);
        assertEquals(2, ps.size());
        Paragraph p = ps.get(0);
        assertEquals(List.of("Package", "Version", "Description", "Zeta", "alpha"),
                p.fields().stream().map(Field::name).toList());
        assertEquals("greet\n the world\n .\n twice", p.get("description").orElseThrow());
        assertEquals("a", p.get("ALPHA").orElseThrow());
        assertEquals(1, p.line());
        assertEquals(12, ps.get(1).line());
        assertEquals("\n /etc/b abc", ps.get(1).get("Conffiles").orElseThrow());
        assertEquals("greet the world . twice", p.field("Description").orElseThrow().foldedValue());
    }

    @Test
    void writesBackWhatItReads() throws Exception {
        String text = "Package: hello\nDescription: greet\n the world\n .\n x\nConffiles:\n /etc/a 1\n\nPackage: b\n";
        List<Paragraph> ps = Deb822Reader.parseAll(text);
        assertEquals(text, Deb822Writer.toText(ps));
        assertEquals(ps, Deb822Reader.parseAll(Deb822Writer.toText(ps)));
    }

    @Test
    void commentsOnlyWhenAllowed() throws Exception {
        String text = "# top\nSource: x\n# inside\nBuild-Depends: a,\n# between\n b\n";
        List<Paragraph> ps = Deb822Reader.parseAll(text, Deb822Reader.Syntax.WITH_COMMENTS);
        assertEquals("a,\n b", ps.get(0).get("Build-Depends").orElseThrow());
        DebFormatException e = assertThrows(DebFormatException.class, () -> Deb822Reader.parseAll(text));
        assertEquals(1, e.line());
    }

    @Test
    void errorsCarryLineAndOffset() {
        DebFormatException e = assertThrows(DebFormatException.class, () -> Deb822Reader.parseAll("A: 1\nB 2\n"));
        assertEquals("field name 'B 2' must be followed by colon", e.reason());
        assertEquals(2, e.line());
        assertEquals(5, e.offset());
        e = assertThrows(DebFormatException.class, () -> Deb822Reader.parseAll("A: 1\na: 2\n"));
        assertEquals("duplicate value for 'a' field", e.reason());
        e = assertThrows(DebFormatException.class, () -> Deb822Reader.parseAll(" x\n"));
        assertEquals(1, e.line());
        e = assertThrows(DebFormatException.class, () -> Deb822Reader.parseAll(": x\n"));
        assertEquals("empty field name", e.reason());
        e = assertThrows(DebFormatException.class, () -> Deb822Reader.parseAll("-A: x\n"));
        assertEquals("field name '-A' cannot start with hyphen", e.reason());
    }

    @Test
    void acceptsMissingFinalNewlineAndCrlfValues() throws Exception {
        Paragraph p = Deb822Reader.parseAll("A: 1\r\nB: 2").get(0);
        assertEquals("1", p.get("A").orElseThrow());
        assertEquals("2", p.get("B").orElseThrow());
    }

    @Test
    void paragraphCopies() {
        Paragraph p = Paragraph.of(new Field("Package", "a"), new Field("Version", "1"));
        Paragraph q = p.with("version", "2").with("Status", "install ok installed").without("PACKAGE");
        assertEquals("version: 2\nStatus: install ok installed\n", q.toString());
        assertTrue(p.has("VERSION"));
        assertFalse(q.has("package"));
        assertThrows(IllegalArgumentException.class, () -> new Field("A", "x\n\n y"));
        assertThrows(IllegalArgumentException.class, () -> new Field("A", "x\ny"));
        assertThrows(IllegalArgumentException.class, () -> Paragraph.builder().add("A", "1").add("a", "2"));
    }
}
