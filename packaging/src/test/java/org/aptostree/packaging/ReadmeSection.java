package org.aptostree.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's "Install on a host" section, which the tests follow: the commands of its first {@code sh} block are
 * what they run, and its list of lintian warnings is what lintian may say.
 */
final class ReadmeSection {
    static final String TITLE = "## Install on a host";

    private ReadmeSection() {
    }

    static String text() throws IOException {
        Path readme = Path.of(System.getProperty("aptostree.readme", "../README.md"));
        String all = Files.readString(readme);
        int start = all.indexOf("\n" + TITLE + "\n");
        if (start < 0) {
            throw new IOException(readme + " has no section '" + TITLE + "'");
        }
        int end = all.indexOf("\n## ", start + 1);
        return all.substring(start + 1, end < 0 ? all.length() : end);
    }

    /** The lines of the section's first {@code sh} block. */
    static List<String> installCommands() throws IOException {
        String s = text();
        int open = s.indexOf("```sh\n");
        int close = s.indexOf("\n```", open);
        if (open < 0 || close < 0) {
            throw new IOException("the README's '" + TITLE + "' has no ```sh block");
        }
        List<String> lines = new ArrayList<>();
        for (String l : s.substring(open + 6, close).split("\n")) {
            if (!l.isBlank()) {
                lines.add(l.strip());
            }
        }
        return lines;
    }

    /** The section's polkit rule, its {@code js} block. */
    static String polkitRule() throws IOException {
        String s = text();
        int open = s.indexOf("```js\n");
        int close = s.indexOf("\n```", open);
        if (open < 0 || close < 0) {
            throw new IOException("the README's '" + TITLE + "' has no ```js block");
        }
        return s.substring(open + 6, close + 1);
    }

    /** The lintian tags listed, as {@code - `tag`: why}, after the paragraph that starts with "lintian". */
    static Set<String> lintianWarnings() throws IOException {
        String s = text();
        int from = s.indexOf("\nlintian ");
        if (from < 0) {
            throw new IOException("the README's '" + TITLE + "' does not explain lintian's warnings");
        }
        Set<String> tags = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^- `([a-z0-9-]+)`:").matcher(s.substring(from));
        while (m.find()) {
            tags.add(m.group(1));
        }
        return tags;
    }
}
