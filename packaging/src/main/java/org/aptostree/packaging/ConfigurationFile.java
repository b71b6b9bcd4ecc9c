package org.aptostree.packaging;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The documented configuration file as shipped ({@code apt-ostreed.conf}), read for its documentation: a header of
 * comment paragraphs, then {@code [Group]}s of settings. Each setting is a block of comment lines followed by the
 * setting itself commented out with its default ({@code #Key=default}); comment lines indented by three spaces or
 * more list the values ({@code #   stage  downloads ...}). The file admins edit is thus the one source of the
 * settings' documentation, and apt-ostreed.conf(5) is written from it.
 */
record ConfigurationFile(String path, String summary, List<String> header, List<Group> groups) {
    record Group(String name, List<Setting> settings) {
    }

    record Setting(String key, String defaultValue, List<Text> description) {
    }

    /** A part of a setting's description: a paragraph, or one of the values it takes. */
    sealed interface Text permits Paragraph, Value {
    }

    record Paragraph(String text) implements Text {
    }

    record Value(String name, String text) implements Text {
    }

    private static final Pattern GROUP = Pattern.compile("\\[([A-Za-z0-9 ]+)]");
    private static final Pattern SETTING = Pattern.compile("#([A-Za-z][A-Za-z0-9]*)=(.*)");
    private static final Pattern VALUE = Pattern.compile("# {3,}(\\S+)\\s+(.+)");
    private static final Pattern TITLE = Pattern.compile("# (/\\S+): (.+?)\\.?");

    /** Reads {@code text}, the file at {@code name}; a line that fits none of the forms above is an error naming it. */
    static ConfigurationFile parse(String name, String text) throws PackagingFormatException {
        List<String> lines = text.lines().toList();
        if (lines.isEmpty()) {
            throw new PackagingFormatException(name + ": empty");
        }
        Matcher title = TITLE.matcher(lines.get(0));
        if (!title.matches()) {
            throw new PackagingFormatException(name + ":1: expected '# /path/of/the/file: what it holds.'");
        }
        int i = 1;
        List<String> header = new ArrayList<>();
        StringBuilder paragraph = new StringBuilder();
        for (; i < lines.size() && lines.get(i).startsWith("#"); i++) {
            String l = lines.get(i).equals("#") ? "" : comment(name, i, lines.get(i));
            if (l.isEmpty()) {
                flush(paragraph, header);
            } else {
                paragraph.append(paragraph.isEmpty() ? "" : " ").append(l);
            }
        }
        flush(paragraph, header);

        List<Group> groups = new ArrayList<>();
        List<Setting> settings = null;
        List<Text> description = new ArrayList<>();
        for (; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher m;
            if (line.isBlank()) {
                if (!description.isEmpty()) {
                    throw new PackagingFormatException(name + ":" + (i + 1) + ": a description must end with the setting it describes, '#Key=default'");
                }
            } else if ((m = GROUP.matcher(line)).matches()) {
                settings = new ArrayList<>();
                groups.add(new Group(m.group(1), settings));
            } else if ((m = SETTING.matcher(line)).matches()) {
                if (settings == null) {
                    throw new PackagingFormatException(name + ":" + (i + 1) + ": setting " + m.group(1) + " outside a [Group]");
                }
                if (description.isEmpty()) {
                    throw new PackagingFormatException(name + ":" + (i + 1) + ": setting " + m.group(1) + " has no description");
                }
                settings.add(new Setting(m.group(1), m.group(2), joinParagraphs(description)));
                description = new ArrayList<>();
            } else if ((m = VALUE.matcher(line)).matches()) {
                description.add(new Value(m.group(1), m.group(2)));
            } else if (line.startsWith("#")) {
                description.add(new Paragraph(comment(name, i, line)));
            } else {
                throw new PackagingFormatException(name + ":" + (i + 1) + ": expected a comment, a [Group] or a commented-out setting, not '"
                        + line + "'");
            }
        }
        if (!description.isEmpty()) {
            throw new PackagingFormatException(name + ": the last description has no setting after it");
        }
        if (groups.isEmpty()) {
            throw new PackagingFormatException(name + ": no [Group] of settings");
        }
        return new ConfigurationFile(title.group(1), title.group(2), List.copyOf(header), List.copyOf(groups));
    }

    private static String comment(String name, int index, String line) throws PackagingFormatException {
        if (!line.startsWith("# ")) {
            throw new PackagingFormatException(name + ":" + (index + 1) + ": a comment is '# ' and its text");
        }
        return line.substring(2).strip();
    }

    private static void flush(StringBuilder paragraph, List<String> into) {
        if (!paragraph.isEmpty()) {
            into.add(paragraph.toString());
            paragraph.setLength(0);
        }
    }

    /** Consecutive comment lines are one paragraph; a value's continuation lines are not supported (one line each). */
    private static List<Text> joinParagraphs(List<Text> parts) {
        List<Text> out = new ArrayList<>();
        for (Text t : parts) {
            if (t instanceof Paragraph p && !out.isEmpty() && out.get(out.size() - 1) instanceof Paragraph last) {
                out.set(out.size() - 1, new Paragraph(last.text() + " " + p.text()));
            } else {
                out.add(t);
            }
        }
        return List.copyOf(out);
    }

    /** apt-ostreed.conf(5), ending with an example: {@code title}, then the lines of the file. */
    String manPage(String pageName, String date, String source, String exampleTitle, List<String> example) {
        ManPage page = new ManPage(pageName, 5, date, source, "File Formats");
        page.name(pageName, summary);
        page.section("SYNOPSIS");
        page.markedParagraph(ManPage.bold(path));
        page.section("DESCRIPTION");
        header.forEach(page::paragraph);
        page.section("OPTIONS");
        for (Group g : groups) {
            page.subsection("[" + g.name() + "]");
            for (Setting s : g.settings()) {
                page.tagged(ManPage.bold(s.key() + "=") + ManPage.italic(s.defaultValue()), "");
                boolean inValues = false;
                for (Text t : s.description()) {
                    if (t instanceof Value v) {
                        if (!inValues) {
                            page.beginIndent();
                            inValues = true;
                        }
                        page.tagged(ManPage.bold(v.name()), ManPage.text(v.text()));
                        continue;
                    }
                    if (inValues) {
                        page.endIndent();
                        inValues = false;
                    }
                    page.indentedParagraph(ManPage.text(((Paragraph) t).text()));
                }
                if (inValues) {
                    page.endIndent();
                }
                page.indentedParagraph(ManPage.text("Default: " + s.defaultValue() + "."));
            }
        }
        page.section("EXAMPLE");
        page.paragraph(exampleTitle);
        page.example(example);
        page.section("SEE ALSO");
        page.markedParagraph(ManPage.bold("apt-ostreed") + "(8), " + ManPage.bold("apt-ostree") + "(8), "
                + ManPage.bold("systemd.timer") + "(5)");
        return page.troff();
    }
}
