package org.aptostree.solver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.control.Deb822Reader;
import org.aptostree.deb.control.Paragraph;

/**
 * The pins of one or more apt_preferences(5) files, in file order (which matters: the first matching
 * specific pin decides a version's priority, the first matching general pin an index's).
 *
 * <p>Read as apt's ReadPinFile does: a record without {@code Package:} is an error; one without {@code Pin:}
 * is skipped; a pin type other than {@code version} (specific records only), {@code release} or
 * {@code origin} is skipped with a warning; {@code Pin-Priority} must be a non-zero 16-bit integer, or
 * {@code never} in a {@code Package: *} record. {@code Package:} may list several names, globs and
 * {@code /regex/}es, each optionally {@code :arch}. {@code src:} names are refused (the solver does not
 * know source packages). {@code Explanation:} fields (which may repeat) and {@code #} lines are ignored.
 *
 * @param pins     in order
 * @param warnings what apt would warn about ({@code file:line: …})
 */
public record AptPreferences(List<PreferencePin> pins, List<String> warnings) {

    public static final AptPreferences NONE = new AptPreferences(List.of(), List.of());

    public AptPreferences {
        pins = List.copyOf(pins);
        warnings = List.copyOf(warnings);
    }

    public static AptPreferences read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** The pins of this file followed by those of {@code later} (apt reads preferences, then preferences.d). */
    public AptPreferences then(AptPreferences later) {
        List<PreferencePin> all = new ArrayList<>(pins);
        all.addAll(later.pins);
        List<String> allWarnings = new ArrayList<>(warnings);
        allWarnings.addAll(later.warnings);
        return new AptPreferences(all, allWarnings);
    }

    /**
     * @param fileName used in messages
     * @throws PreferencesException naming the file and line of the first error
     */
    public static AptPreferences parse(String text, String fileName) throws PreferencesException {
        String[] lines = text.split("\n", -1);
        List<Paragraph> records;
        try {
            records = Deb822Reader.parseAll(withoutExplanations(lines), Deb822Reader.Syntax.WITH_COMMENTS);
        } catch (DebFormatException e) {
            throw new PreferencesException(fileName, Math.max(e.line(), 1), e.reason());
        }
        List<PreferencePin> pins = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Paragraph record : records) {
            String packages = record.valueOrNull("Package");
            if (packages == null || packages.isBlank()) {
                throw new PreferencesException(fileName, record.line(), "record without a Package field");
            }
            packages = packages.trim();
            String pin = record.valueOrNull("Pin");
            if (pin == null) {
                warnings.add(fileName + ":" + record.line() + ": record without a Pin field ignored");
                continue;
            }
            long pinLine = fieldLine(lines, record, "Pin");
            String pinText = pin.trim();
            int space = 0;
            while (space < pinText.length() && !Character.isWhitespace(pinText.charAt(space))) {
                space++;
            }
            String type = pinText.substring(0, space).toLowerCase(Locale.ROOT);
            String data = pinText.substring(space).trim();
            boolean general = packages.equals("*");
            PreferencePin.Selector selector;
            try {
                selector = switch (type) {
                    case "version" -> general ? null : PreferencePin.VersionSelector.parse(data);
                    case "release" -> PreferencePin.ReleaseSelector.parse(data);
                    case "origin" -> PreferencePin.OriginSelector.parse(data);
                    default -> null;
                };
            } catch (IllegalArgumentException e) {
                throw new PreferencesException(fileName, pinLine, e.getMessage());
            }
            if (selector == null) {
                warnings.add(fileName + ":" + pinLine + ": pin type '" + pinText.substring(0, space) + "' not understood"
                        + (general && type.equals("version") ? " in a 'Package: *' record" : "") + ", record ignored");
                continue;
            }
            int priority = priority(record, lines, general, fileName);
            for (String name : packages.split("\\s+")) {
                if (name.startsWith("src:")) {
                    throw new PreferencesException(fileName, fieldLine(lines, record, "Package"),
                            "source package pins (" + name + ") are not supported; name the binary packages");
                }
                try {
                    pins.add(PreferencePin.of(name, selector, priority, fileName + ":" + record.line()));
                } catch (IllegalArgumentException e) {
                    throw new PreferencesException(fileName, fieldLine(lines, record, "Package"), e.getMessage());
                }
            }
        }
        return new AptPreferences(pins, warnings);
    }

    private static int priority(Paragraph record, String[] lines, boolean general, String fileName)
            throws PreferencesException {
        String text = record.valueOrNull("Pin-Priority");
        long line = text == null ? record.line() : fieldLine(lines, record, "Pin-Priority");
        if (text == null) {
            throw new PreferencesException(fileName, line, "no Pin-Priority for the pin");
        }
        text = text.trim();
        if (text.equals("never")) {
            if (!general) {
                throw new PreferencesException(fileName, line,
                        "'Pin-Priority: never' can only be used in 'Package: *' records");
            }
            return PreferencePin.NEVER;
        }
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new PreferencesException(fileName, line, "Pin-Priority '" + text + "' is not an integer");
        }
        if (value <= Short.MIN_VALUE || value > Short.MAX_VALUE) {
            // apt keeps -32768 for 'never'
            throw new PreferencesException(fileName, line, "Pin-Priority " + value + " is outside "
                    + (Short.MIN_VALUE + 1) + " to " + Short.MAX_VALUE);
        }
        if (value == 0) {
            throw new PreferencesException(fileName, line, "Pin-Priority 0 is not allowed (its meaning is undefined)");
        }
        return value;
    }

    /**
     * Explanation fields become comment lines, so that several of them in one record (as in
     * apt_preferences(5)'s own examples) do not count as a repeated field; line numbers stay the same.
     */
    private static String withoutExplanations(String[] lines) {
        StringBuilder out = new StringBuilder();
        boolean inExplanation = false;
        for (String line : lines) {
            boolean continuation = !line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')
                    && !line.isBlank();
            if (line.regionMatches(true, 0, "Explanation:", 0, "Explanation:".length())) {
                inExplanation = true;
                out.append('#');
            } else if (inExplanation && continuation) {
                out.append('#');
            } else {
                inExplanation = false;
                out.append(line);
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** The line of a field of a record: the first line from the record's start that begins with {@code Name:}. */
    private static long fieldLine(String[] lines, Paragraph record, String field) {
        for (int i = (int) Math.max(record.line() - 1, 0); i < lines.length && !lines[i].isBlank(); i++) {
            String line = lines[i];
            if (line.regionMatches(true, 0, field, 0, field.length()) && line.length() > field.length()
                    && line.substring(field.length()).stripLeading().startsWith(":")) {
                return i + 1;
            }
        }
        return record.line();
    }
}
