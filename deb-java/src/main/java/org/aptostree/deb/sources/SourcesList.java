package org.aptostree.deb.sources;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.control.Deb822Reader;
import org.aptostree.deb.control.Field;
import org.aptostree.deb.control.Paragraph;

/**
 * Parses APT sources (sources.list(5)): the one-line {@code .list} format and the deb822
 * {@code .sources} format. Unknown options are kept (APT ignores them silently).
 */
public final class SourcesList {
    /** One-line option names and their deb822 names. */
    private static final Map<String, String> ONE_LINE = Map.ofEntries(
            Map.entry("arch", "Architectures"), Map.entry("lang", "Languages"), Map.entry("target", "Targets"),
            Map.entry("pdiffs", "PDiffs"), Map.entry("by-hash", "By-Hash"), Map.entry("allow-insecure", "Allow-Insecure"),
            Map.entry("allow-weak", "Allow-Weak"), Map.entry("allow-downgrade-to-insecure", "Allow-Downgrade-To-Insecure"),
            Map.entry("trusted", "Trusted"), Map.entry("signed-by", "Signed-By"), Map.entry("check-valid-until", "Check-Valid-Until"),
            Map.entry("valid-until-min", "Valid-Until-Min"), Map.entry("valid-until-max", "Valid-Until-Max"),
            Map.entry("check-date", "Check-Date"), Map.entry("date-max-future", "Date-Max-Future"),
            Map.entry("inrelease-path", "InRelease-Path"), Map.entry("snapshot", "Snapshot"),
            Map.entry("include", "Include"), Map.entry("exclude", "Exclude"));

    private SourcesList() {
    }

    /** Parses a one-line-format file ({@code /etc/apt/sources.list}, {@code *.list}). */
    public static List<SourceEntry> parseList(String text) throws DebFormatException {
        List<SourceEntry> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            out.add(parseLine(line, i + 1));
        }
        return out;
    }

    private static SourceEntry parseLine(String line, long lineNumber) throws DebFormatException {
        int space = indexOfBlank(line, 0);
        if (space < 0) {
            throw DebFormatException.atLine("malformed entry: no URI", lineNumber);
        }
        String type = line.substring(0, space);
        if (!type.equals("deb") && !type.equals("deb-src")) {
            throw DebFormatException.atLine("type '" + type + "' is not known", lineNumber);
        }
        String rest = line.substring(space).strip();
        Map<String, List<String>> options = new LinkedHashMap<>();
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw DebFormatException.atLine("malformed entry: option list not closed with ']'", lineNumber);
            }
            for (String opt : rest.substring(1, close).strip().split("[ \t]+")) {
                if (opt.isEmpty()) {
                    continue;
                }
                int eq = opt.indexOf('=');
                if (eq <= 0) {
                    throw DebFormatException.atLine("malformed option '" + opt + "' (expected name=value)", lineNumber);
                }
                String name = opt.substring(0, eq);
                String suffix = "";
                if (name.endsWith("+") || name.endsWith("-")) {
                    suffix = name.endsWith("+") ? "-Add" : "-Remove";
                    name = name.substring(0, name.length() - 1);
                }
                String canonical = ONE_LINE.getOrDefault(name.toLowerCase(Locale.ROOT), name) + suffix;
                List<String> values = Arrays.stream(opt.substring(eq + 1).split(",")).filter(v -> !v.isEmpty()).toList();
                options.put(canonical, values);
            }
            rest = rest.substring(close + 1).strip();
        }
        List<String> words = Arrays.stream(rest.split("[ \t]+")).filter(w -> !w.isEmpty()).toList();
        if (words.size() < 2) {
            throw DebFormatException.atLine("malformed entry: URI and suite required", lineNumber);
        }
        String suite = words.get(1);
        List<String> components = words.subList(2, words.size());
        if (suite.endsWith("/") && !components.isEmpty()) {
            throw DebFormatException.atLine("malformed entry: an exact path suite ('" + suite + "') takes no components", lineNumber);
        }
        if (!suite.endsWith("/") && components.isEmpty()) {
            throw DebFormatException.atLine("malformed entry: no components for suite '" + suite + "'", lineNumber);
        }
        return new SourceEntry(List.of(type), List.of(words.get(0)), List.of(suite), components, options, lineNumber);
    }

    /** Parses a deb822 {@code .sources} file; disabled stanzas are included (see {@link SourceEntry#disabled()}). */
    public static List<SourceEntry> parseSources(String text) throws DebFormatException {
        List<SourceEntry> out = new ArrayList<>();
        for (Paragraph p : Deb822Reader.parseAll(text, Deb822Reader.Syntax.WITH_COMMENTS)) {
            List<String> types = words(p, "Types");
            List<String> uris = words(p, "URIs");
            List<String> suites = words(p, "Suites");
            List<String> components = words(p, "Components");
            if (types.isEmpty() || uris.isEmpty() || suites.isEmpty()) {
                throw DebFormatException.atLine("stanza needs Types, URIs and Suites", p.line());
            }
            for (String t : types) {
                if (!t.equals("deb") && !t.equals("deb-src")) {
                    throw DebFormatException.atLine("type '" + t + "' is not known", p.line());
                }
            }
            boolean flat = suites.get(0).endsWith("/");
            if (flat && !components.isEmpty()) {
                throw DebFormatException.atLine("an exact path suite takes no Components", p.line());
            }
            if (!flat && components.isEmpty()) {
                throw DebFormatException.atLine("no Components for suite '" + suites.get(0) + "'", p.line());
            }
            Map<String, List<String>> options = new LinkedHashMap<>();
            for (Field f : p.fields()) {
                if (f.is("Types") || f.is("URIs") || f.is("Suites") || f.is("Components")) {
                    continue;
                }
                if (f.is("Signed-By") && f.value().contains("-----BEGIN PGP PUBLIC KEY BLOCK-----")) {
                    options.put(f.name(), List.of(embeddedKey(f.value())));
                } else {
                    options.put(f.name(), List.of(f.foldedValue().split("[ \t,]+")).stream().filter(w -> !w.isEmpty()).toList());
                }
            }
            out.add(new SourceEntry(types, uris, suites, components, options, p.line()));
        }
        return out;
    }

    /** An embedded key: continuation lines unindented, {@code " ."} lines back to empty lines. */
    private static String embeddedKey(String value) {
        StringBuilder b = new StringBuilder();
        for (String line : value.split("\n")) {
            String t = line.strip();
            if (t.isEmpty() && b.length() == 0) {
                continue;
            }
            b.append(t.equals(".") ? "" : t).append('\n');
        }
        return b.toString();
    }

    private static List<String> words(Paragraph p, String field) {
        String v = p.valueOrNull(field);
        if (v == null) {
            return List.of();
        }
        return Arrays.stream(v.strip().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    private static int indexOfBlank(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) == ' ' || s.charAt(i) == '\t') {
                return i;
            }
        }
        return -1;
    }
}
