package org.aptostree.packaging;

import java.util.List;

/**
 * A manual page in the man(7) macros that man-db and groff read. Text is escaped here, so callers pass plain text:
 * a backslash prints as one, a line never starts with a control character, and {@link #code} marks what is typed
 * (its hyphens are minus signs, so that the page can be searched and pasted from).
 */
final class ManPage {
    private final StringBuilder out = new StringBuilder();

    /**
     * A page {@code name(section)}: {@code date} as YYYY-MM-DD, {@code source} the package and version,
     * {@code manual} the title of the section (System Administration, File Formats).
     */
    ManPage(String name, int section, String date, String source, String manual) {
        out.append(".TH ").append(quoted(name.toUpperCase(java.util.Locale.ROOT))).append(' ').append(section).append(' ')
                .append(quoted(date)).append(' ').append(quoted(source)).append(' ').append(quoted(manual)).append('\n');
    }

    /** The NAME section, as whatis and apropos read it. */
    ManPage name(String name, String summary) {
        section("NAME");
        return line(code(name) + " \\- " + text(summary));
    }

    ManPage section(String title) {
        out.append(".SH ").append(quoted(title)).append('\n');
        return this;
    }

    ManPage subsection(String title) {
        out.append(".SS ").append(quoted(title)).append('\n');
        return this;
    }

    /** A paragraph of plain text. */
    ManPage paragraph(String plain) {
        out.append(".PP\n");
        return line(text(plain));
    }

    /** A paragraph of text already marked up with {@link #text}, {@link #code}, {@link #bold}, {@link #italic}. */
    ManPage markedParagraph(String marked) {
        out.append(".PP\n");
        return line(marked);
    }

    /** An indented paragraph under a tag (an option, a file, a value), both already marked up. */
    ManPage tagged(String markedTag, String markedText) {
        out.append(".TP\n");
        line(markedTag);
        return line(markedText);
    }

    /** A further paragraph of the text under the last tag. */
    ManPage indentedParagraph(String markedText) {
        out.append(".IP\n");
        return line(markedText);
    }

    /** What follows, up to {@link #endIndent}, is indented one step further (a list inside a tagged paragraph). */
    ManPage beginIndent() {
        out.append(".RS\n");
        return this;
    }

    ManPage endIndent() {
        out.append(".RE\n");
        return this;
    }

    /** Lines shown as they are (examples, a file's syntax), in a fixed-width block. */
    ManPage example(List<String> lines) {
        out.append(".PP\n.RS 4\n.nf\n");
        lines.forEach(l -> line(code(l)));
        out.append(".fi\n.RE\n");
        return this;
    }

    /** The troff text of the page. */
    String troff() {
        return out.toString();
    }

    private ManPage line(String marked) {
        for (String l : marked.split("\n", -1)) {
            l = l.strip(); // A leading space would break the line and indent it.
            if (l.isEmpty()) {
                continue; // A blank line in troff is vertical space, not part of a paragraph.
            }
            out.append(l.startsWith(".") || l.startsWith("'") ? "\\&" : "").append(l).append('\n');
        }
        return this;
    }

    /** Plain text, escaped; characters beyond ASCII as groff's Unicode escapes, which need no input encoding. */
    static String text(String plain) {
        StringBuilder b = new StringBuilder(plain.length());
        plain.codePoints().forEach(c -> {
            if (c == '\\') {
                b.append("\\e");
            } else if (c > 0x7e) {
                b.append(String.format("\\[u%04X]", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    /** What is typed: a command, an option, a path; hyphens become minus signs. */
    static String code(String plain) {
        return text(plain).replace("-", "\\-");
    }

    static String bold(String plain) {
        return "\\fB" + code(plain) + "\\fR";
    }

    static String italic(String plain) {
        return "\\fI" + code(plain) + "\\fR";
    }

    /** A macro argument in double quotes (a quote inside is doubled, as groff reads it). */
    private static String quoted(String plain) {
        return "\"" + text(plain).replace("\"", "\"\"") + "\"";
    }
}
