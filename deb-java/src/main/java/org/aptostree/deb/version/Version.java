package org.aptostree.deb.version;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

import org.aptostree.deb.DebFormatException;

/**
 * A Debian package version {@code [epoch:]upstream[-revision]}, parsed and ordered exactly as
 * dpkg does ({@code parseversion} and {@code verrevcmp} in dpkg's lib/dpkg).
 *
 * <p>{@link #parse(String)} accepts what dpkg accepts when reading packages (errors are thrown,
 * dpkg's warnings are tolerated and reported by {@link #syntaxWarning()}); {@link #parseStrict(String)}
 * also refuses what dpkg only warns about, as {@code dpkg-deb --build} does.
 *
 * <p>Ordering ({@link #compareTo}) is dpkg's: epochs numerically, then upstream and revision with
 * {@code verrevcmp} ({@code ~} sorts before everything, even the end of the string; letters sort
 * before other symbols; digit runs compare numerically). A missing revision compares equal to
 * {@code "0"}, so {@code 1.0} and {@code 1.0-0} compare equal while not being {@link #equals}: like
 * {@link java.math.BigDecimal}, the ordering is not consistent with equals. Use
 * {@link #compareTo} (or {@link #sameAs}) for version semantics.
 *
 * @param epoch    the epoch, 0 when absent; never negative
 * @param upstream the upstream version, never empty
 * @param revision the Debian revision, {@code ""} when absent (never null)
 */
public record Version(int epoch, String upstream, String revision) implements Comparable<Version> {

    /** Validates the components; {@code upstream} must be non-empty, {@code epoch} non-negative. */
    public Version {
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(revision, "revision");
        if (epoch < 0) {
            throw new IllegalArgumentException("negative epoch: " + epoch);
        }
        if (upstream.isEmpty()) {
            throw new IllegalArgumentException("empty upstream version");
        }
    }

    /**
     * Parses a version as dpkg does when reading package metadata: leading and trailing blanks
     * (space, tab) are ignored; the epoch is everything before the first colon; the revision is
     * everything after the last hyphen. Only dpkg's errors are thrown; see {@link #syntaxWarning()}.
     *
     * @throws DebFormatException with dpkg's message (e.g. "epoch in version is empty") and the
     *                            character offset in {@code text}
     */
    public static Version parse(String text) throws DebFormatException {
        Objects.requireNonNull(text, "text");
        int start = 0;
        int length = text.length();
        while (start < length && isBlank(text.charAt(start))) {
            start++;
        }
        if (start == length) {
            throw DebFormatException.atOffset("version string is empty", 0);
        }
        int end = start;
        while (end < length && !isBlank(text.charAt(end))) {
            end++;
        }
        for (int i = end; i < length; i++) {
            if (!isBlank(text.charAt(i))) {
                throw DebFormatException.atOffset("version string has embedded spaces", end);
            }
        }
        // C strings stop at NUL; a Java string could smuggle one past the checks below.
        for (int i = start; i < end; i++) {
            if (text.charAt(i) == '\0') {
                throw DebFormatException.atOffset("version string has embedded NUL", i);
            }
        }
        int epoch = 0;
        int colon = text.indexOf(':', start);
        if (colon >= 0 && colon < end) {
            epoch = parseEpoch(text, start, colon);
            if (colon + 1 == end) {
                throw DebFormatException.atOffset("nothing after colon in version number", colon);
            }
            start = colon + 1;
        }
        int hyphen = text.lastIndexOf('-', end - 1);
        String upstream;
        String revision;
        if (hyphen >= start) {
            if (hyphen + 1 == end) {
                throw DebFormatException.atOffset("revision number is empty", hyphen);
            }
            upstream = text.substring(start, hyphen);
            revision = text.substring(hyphen + 1, end);
        } else {
            upstream = text.substring(start, end);
            revision = "";
        }
        if (upstream.isEmpty()) {
            throw DebFormatException.atOffset("version number is empty", start);
        }
        return new Version(epoch, upstream, revision);
    }

    /**
     * Parses like {@link #parse} and also refuses what dpkg only warns about: an upstream version
     * not starting with a digit, characters outside {@code [A-Za-z0-9.+~:-]} in the upstream version
     * or outside {@code [A-Za-z0-9.+~]} in the revision.
     */
    public static Version parseStrict(String text) throws DebFormatException {
        Version version = parse(text);
        Optional<String> warning = version.syntaxWarning();
        if (warning.isPresent()) {
            throw DebFormatException.atOffset(warning.get(), 0);
        }
        return version;
    }

    /**
     * dpkg's warning for this version, if any, in dpkg's order and words: "version number does not
     * start with digit", "invalid character in version number", "invalid character in revision number".
     */
    public Optional<String> syntaxWarning() {
        if (!isDigit(upstream.charAt(0))) {
            return Optional.of("version number does not start with digit");
        }
        for (int i = 1; i < upstream.length(); i++) {
            char c = upstream.charAt(i);
            if (!isDigit(c) && !isAlpha(c) && ".-+~:".indexOf(c) < 0) {
                return Optional.of("invalid character in version number");
            }
        }
        for (int i = 0; i < revision.length(); i++) {
            char c = revision.charAt(i);
            if (!isDigit(c) && !isAlpha(c) && ".+~".indexOf(c) < 0) {
                return Optional.of("invalid character in revision number");
            }
        }
        return Optional.empty();
    }

    /** dpkg's ordering; see the class comment. */
    @Override
    public int compareTo(Version other) {
        if (epoch != other.epoch) {
            return epoch < other.epoch ? -1 : 1;
        }
        int c = compareFragment(upstream, other.upstream);
        if (c != 0) {
            return c;
        }
        return compareFragment(revision, other.revision);
    }

    /** True when the two versions compare equal (e.g. {@code 1.0} and {@code 0:1.0-0}). */
    public boolean sameAs(Version other) {
        return compareTo(other) == 0;
    }

    /**
     * The version as dpkg prints it: the epoch only when non-zero (or when the upstream version or the
     * revision holds a colon, which would otherwise read back as an epoch), the revision only when non-empty.
     */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(upstream.length() + revision.length() + 4);
        if (epoch != 0 || upstream.indexOf(':') >= 0 || revision.indexOf(':') >= 0) {
            b.append(epoch).append(':');
        }
        b.append(upstream);
        if (!revision.isEmpty()) {
            b.append('-').append(revision);
        }
        return b.toString();
    }

    /**
     * dpkg's {@code verrevcmp} on one fragment (an upstream version or a revision); the empty string
     * is a valid fragment. Returns a negative, zero or positive number.
     */
    public static int compareFragment(String a, String b) {
        if (isAscii(a) && isAscii(b)) {
            return verrevcmp(a, b);
        }
        // dpkg compares bytes (signed chars); a UTF-8 byte >= 0x80 orders as its unsigned value.
        return verrevcmp(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static int parseEpoch(String text, int start, int colon) throws DebFormatException {
        // Mirrors strtol(): optional C white space, an optional sign, then decimal digits, which
        // must end exactly at the colon. When no digit follows, strtol consumes nothing at all.
        int i = start;
        while (i < colon && " \t\n\u000b\f\r".indexOf(text.charAt(i)) >= 0) {
            i++;
        }
        boolean negative = false;
        if (i < colon && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            negative = text.charAt(i) == '-';
            i++;
        }
        int digitsStart = i;
        long value = 0;
        while (i < colon && isDigit(text.charAt(i))) {
            // Saturate: anything beyond int range is "too big" (or "negative") either way.
            value = Math.min(value * 10 + (text.charAt(i) - '0'), Integer.MAX_VALUE + 1L);
            i++;
        }
        if (i == digitsStart) {
            throw DebFormatException.atOffset("epoch in version is empty", start);
        }
        if (i != colon) {
            throw DebFormatException.atOffset("epoch in version is not number", i);
        }
        if (negative && value != 0) {
            throw DebFormatException.atOffset("epoch in version is negative", start);
        }
        if (value > Integer.MAX_VALUE) {
            throw DebFormatException.atOffset("epoch in version is too big", start);
        }
        return (int) value;
    }

    private static int order(int c) {
        if (isDigit(c)) {
            return 0;
        } else if (isAlpha(c)) {
            return c;
        } else if (c == '~') {
            return -1;
        } else if (c != 0) {
            return c + 256;
        }
        return 0;
    }

    private static int verrevcmp(String a, String b) {
        int i = 0;
        int j = 0;
        int la = a.length();
        int lb = b.length();
        while (i < la || j < lb) {
            int firstDiff = 0;
            while ((i < la && !isDigit(a.charAt(i))) || (j < lb && !isDigit(b.charAt(j)))) {
                int ac = i < la ? order(a.charAt(i)) : 0;
                int bc = j < lb ? order(b.charAt(j)) : 0;
                if (ac != bc) {
                    return ac - bc;
                }
                i++;
                j++;
            }
            while (i < la && a.charAt(i) == '0') {
                i++;
            }
            while (j < lb && b.charAt(j) == '0') {
                j++;
            }
            while (i < la && j < lb && isDigit(a.charAt(i)) && isDigit(b.charAt(j))) {
                if (firstDiff == 0) {
                    firstDiff = a.charAt(i) - b.charAt(j);
                }
                i++;
                j++;
            }
            if (i < la && isDigit(a.charAt(i))) {
                return 1;
            }
            if (j < lb && isDigit(b.charAt(j))) {
                return -1;
            }
            if (firstDiff != 0) {
                return firstDiff;
            }
        }
        return 0;
    }

    private static int verrevcmp(byte[] a, byte[] b) {
        int i = 0;
        int j = 0;
        int la = a.length;
        int lb = b.length;
        while (i < la || j < lb) {
            int firstDiff = 0;
            while ((i < la && !isDigit(a[i])) || (j < lb && !isDigit(b[j]))) {
                // a[i] is a signed byte as in C, so order() of a byte >= 0x80 is its unsigned value.
                int ac = i < la ? order(a[i]) : 0;
                int bc = j < lb ? order(b[j]) : 0;
                if (ac != bc) {
                    return ac - bc;
                }
                i++;
                j++;
            }
            while (i < la && a[i] == '0') {
                i++;
            }
            while (j < lb && b[j] == '0') {
                j++;
            }
            while (i < la && j < lb && isDigit(a[i]) && isDigit(b[j])) {
                if (firstDiff == 0) {
                    firstDiff = a[i] - b[j];
                }
                i++;
                j++;
            }
            if (i < la && isDigit(a[i])) {
                return 1;
            }
            if (j < lb && isDigit(b[j])) {
                return -1;
            }
            if (firstDiff != 0) {
                return firstDiff;
            }
        }
        return 0;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAlpha(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
