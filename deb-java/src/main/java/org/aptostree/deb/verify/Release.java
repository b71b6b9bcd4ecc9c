package org.aptostree.deb.verify;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.control.Deb822Reader;
import org.aptostree.deb.control.Paragraph;

/**
 * The contents of a Release (or InRelease's signed text) file as apt reads it
 * (apt-pkg/deb/debmetaindex.cc): suite metadata, Date and Valid-Until, and the index files with
 * their sizes and hashes.
 *
 * @param paragraph     the whole stanza
 * @param date          the Date field, or null when absent
 * @param validUntil    the Valid-Until field, or null when absent
 * @param architectures the Architectures field, split
 * @param components    the Components field, split
 * @param acquireByHash true when {@code Acquire-By-Hash: yes}
 * @param files         listed files by path, in the order first listed
 */
public record Release(Paragraph paragraph, Instant date, Instant validUntil, List<String> architectures,
                      List<String> components, boolean acquireByHash, Map<String, IndexFile> files) {

    /** Copies the collections. */
    public Release {
        architectures = List.copyOf(architectures);
        components = List.copyOf(components);
        files = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
    }

    /** The Suite field, or null. */
    public String suite() {
        return paragraph.valueOrNull("Suite");
    }

    /** The Codename field, or null. */
    public String codename() {
        return paragraph.valueOrNull("Codename");
    }

    /** The Origin field, or null. */
    public String origin() {
        return paragraph.valueOrNull("Origin");
    }

    /**
     * Parses a Release text (one stanza).
     *
     * @throws DebFormatException for a bad stanza, date, or hash line (with the line where known)
     */
    public static Release parse(String text) throws DebFormatException {
        List<Paragraph> ps = Deb822Reader.parseAll(text);
        if (ps.size() != 1) {
            throw DebFormatException.atLine("Release file must hold exactly one stanza, found " + ps.size(), 1);
        }
        Paragraph p = ps.get(0);
        Instant date = dateField(p, "Date");
        Instant validUntil = dateField(p, "Valid-Until");
        Map<String, long[]> sizes = new LinkedHashMap<>();
        Map<String, String> sha256 = hashes(p, "SHA256", 64, sizes);
        Map<String, String> sha512 = hashes(p, "SHA512", 128, sizes);
        Map<String, String> sha1 = hashes(p, "SHA1", 40, sizes);
        Map<String, String> md5 = hashes(p, "MD5Sum", 32, sizes);
        Map<String, IndexFile> files = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : sizes.entrySet()) {
            String path = e.getKey();
            String s256 = sha256.get(path);
            String s512 = sha512.get(path);
            boolean weak = s256 == null && s512 == null && (sha1.containsKey(path) || md5.containsKey(path));
            files.put(path, new IndexFile(path, e.getValue()[0], s256, s512, weak));
        }
        return new Release(p, date, validUntil, split(p.valueOrNull("Architectures")),
                split(p.valueOrNull("Components")), "yes".equalsIgnoreCase(p.valueOrNull("Acquire-By-Hash")), files);
    }

    private static List<String> split(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.asList(value.trim().split("\\s+"));
    }

    private static Map<String, String> hashes(Paragraph p, String field, int hexLength, Map<String, long[]> sizes)
            throws DebFormatException {
        Map<String, String> out = new LinkedHashMap<>();
        String value = p.valueOrNull(field);
        if (value == null) {
            return out;
        }
        // Hand-split (no regex): Release files list thousands of lines.
        int lineIndex = 0;
        int pos = 0;
        while (pos <= value.length()) {
            int nl = value.indexOf('\n', pos);
            int end = nl < 0 ? value.length() : nl;
            String[] parts = new String[3];
            int count = 0;
            int i = pos;
            boolean tooMany = false;
            while (i < end) {
                while (i < end && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
                    i++;
                }
                if (i == end) {
                    break;
                }
                int start = i;
                while (i < end && value.charAt(i) != ' ' && value.charAt(i) != '\t') {
                    i++;
                }
                if (count == 3) {
                    tooMany = true;
                    break;
                }
                parts[count++] = value.substring(start, i);
            }
            if (count > 0) {
                if (tooMany || count != 3 || parts[0].length() != hexLength || !parts[0].chars().allMatch(Release::isHex)
                        || parts[1].isEmpty() || parts[1].length() > 18 || !parts[1].chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw DebFormatException.atLine("malformed " + field + " line in Release: '" + value.substring(pos, end).trim() + "'",
                            lineOf(p, field) + lineIndex);
                }
                long size = Long.parseLong(parts[1]);
                long[] known = sizes.computeIfAbsent(parts[2], k -> new long[] {size});
                if (known[0] != size) {
                    throw DebFormatException.atLine("Release lists two sizes for '" + parts[2] + "'", lineOf(p, field) + lineIndex);
                }
                out.put(parts[2], parts[0].toLowerCase(Locale.ROOT));
            }
            lineIndex++;
            if (nl < 0) {
                break;
            }
            pos = nl + 1;
        }
        return out;
    }

    private static boolean isHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static long lineOf(Paragraph p, String field) {
        long line = p.line();
        for (var f : p.fields()) {
            if (f.is(field)) {
                return line;
            }
            line += 1 + f.value().chars().filter(c -> c == '\n').count();
        }
        return line;
    }

    /**
     * Reads an RFC 1123 date as Release files have it ({@code Sat, 15 Nov 2025 09:12:33 UTC}; the zone must be UTC,
     * GMT, Z or +0000) by hand: java.time's pattern formatter cost a fresh JVM 30 to 60 ms at its first parse, on the
     * path of every command that reads a Release file. It accepts what that formatter
     * ({@code EEE, d MMM uuuu HH:mm:ss}) accepts with a four-digit year (and a day of up to nine digits, as
     * {@code 002}), with one difference: a day past the month's end is refused, not moved to the month's last day. The
     * day of the week must be the date's.
     */
    static Instant parseDate(String text) throws DebFormatException {
        String t = text.trim();
        int lastSpace = t.lastIndexOf(' ');
        if (lastSpace < 0) {
            throw new DebFormatException("invalid date '" + text + "'");
        }
        String zone = t.substring(lastSpace + 1);
        if (!zone.equals("UTC") && !zone.equals("GMT") && !zone.equals("Z") && !zone.equals("+0000")) {
            throw new DebFormatException("invalid date '" + text + "': time zone must be UTC");
        }
        String[] f = t.substring(0, lastSpace).split(" ", -1);
        if (f.length != 5 || f[0].length() != 4 || f[0].charAt(3) != ',' || f[4].length() != 8 || f[4].charAt(2) != ':'
                || f[4].charAt(5) != ':') {
            throw new DebFormatException("invalid date '" + text + "'");
        }
        int weekday = WEEKDAYS.indexOf(f[0].substring(0, 3));
        int month = MONTHS.indexOf(f[2]) + 1;
        int day = digits(f[1], 1, 9);
        int year = digits(f[3], 4, 4);
        int hour = digits(f[4].substring(0, 2), 2, 2);
        int minute = digits(f[4].substring(3, 5), 2, 2);
        int second = digits(f[4].substring(6), 2, 2);
        if (weekday < 0 || month < 1 || day < 1 || year < 0 || day > monthLength(year, month) || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 59) {
            throw new DebFormatException("invalid date '" + text + "'");
        }
        long epochDay = epochDay(year, month, day);
        if (Math.floorMod(epochDay + 3, 7) != weekday) {
            throw new DebFormatException("invalid date '" + text + "': " + day + " " + f[2] + " " + year + " is not a " + f[0]
                    .substring(0, 3));
        }
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600 + minute * 60 + second);
    }

    /** Monday first: epoch day 0, 1970-01-01, was a Thursday, index 3. */
    private static final List<String> WEEKDAYS = List.of("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun");
    private static final List<String> MONTHS = List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
            "Nov", "Dec");

    /** The value of {@code min} to {@code max} ASCII digits, or -1. */
    private static int digits(String s, int min, int max) {
        if (s.length() < min || s.length() > max) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static int monthLength(int year, int month) {
        boolean leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        return switch (month) {
            case 2 -> leap ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (years counted from March, so leap days come last). */
    private static long epochDay(int year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yearOfEra = y - era * 400;
        long dayOfYear = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }

    private static Instant dateField(Paragraph p, String field) throws DebFormatException {
        String v = p.valueOrNull(field);
        if (v == null) {
            return null;
        }
        try {
            return parseDate(v);
        } catch (DebFormatException e) {
            throw DebFormatException.atLine("invalid '" + field + "' entry in Release file: " + e.reason(), lineOf(p, field));
        }
    }

    /** Files listed under {@code component/binary-arch/} for the given architecture (any compression). */
    public List<IndexFile> packagesIndexes(String component, String architecture) {
        List<IndexFile> out = new ArrayList<>();
        String prefix = component + "/binary-" + architecture + "/Packages";
        for (IndexFile f : files.values()) {
            if (f.path().startsWith(prefix) && !f.path().contains("/by-hash/")) {
                out.add(f);
            }
        }
        return out;
    }
}
