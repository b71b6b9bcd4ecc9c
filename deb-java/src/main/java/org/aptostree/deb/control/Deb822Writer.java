package org.aptostree.deb.control;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes paragraphs in deb822 form: {@code Name: value} lines, continuation lines as stored, one
 * empty line between stanzas, UTF-8. What {@link Deb822Reader} reads, this writes back unchanged
 * (field order and names' case kept).
 */
public final class Deb822Writer {
    private final Writer out;
    private boolean first = true;

    /** A writer onto a character stream; not closed by this class. */
    public Deb822Writer(Writer out) {
        this.out = out;
    }

    /** A writer onto a byte stream (UTF-8); flush with {@link #flush()}; not closed by this class. */
    public Deb822Writer(OutputStream out) {
        this(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8));
    }

    /** Writes one stanza, preceded by an empty line unless it is the first. */
    public void write(Paragraph paragraph) throws IOException {
        if (!first) {
            out.write('\n');
        }
        first = false;
        out.write(paragraph.toString());
    }

    /** Flushes the underlying writer. */
    public void flush() throws IOException {
        out.flush();
    }

    /** The text of {@code paragraphs} separated by empty lines. */
    public static String toText(List<Paragraph> paragraphs) {
        java.io.StringWriter s = new java.io.StringWriter();
        Deb822Writer w = new Deb822Writer(s);
        try {
            for (Paragraph p : paragraphs) {
                w.write(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s.toString();
    }
}
