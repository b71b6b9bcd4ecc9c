package org.aptostree.deb.verify;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
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

    private static final DateTimeFormatter RFC1123 = DateTimeFormatter.ofPattern("EEE, d MMM uuuu HH:mm:ss", Locale.ROOT);

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

    /** apt's RFC 1123 dates, e.g. {@code Sat, 21 Nov 2026 09:15:44 UTC}; the zone must be UTC, GMT, Z or +0000. */
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
        try {
            return LocalDateTime.parse(t.substring(0, lastSpace), RFC1123).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new DebFormatException("invalid date '" + text + "'");
        } catch (DateTimeException e) {
            throw new DebFormatException("invalid date '" + text + "'");
        }
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
