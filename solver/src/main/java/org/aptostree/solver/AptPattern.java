package org.aptostree.solver;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A pattern as apt_preferences(5) writes them in {@code Package:} and {@code Pin:} values: {@code /regex/}
 * (POSIX extended, case-insensitive) or a glob (fnmatch with {@code FNM_CASEFOLD}: {@code *}, {@code ?},
 * {@code [...]}); a plain word is a glob that matches only itself. Null strings never match (apt's
 * ExpressionMatches on a missing Release field).
 *
 * @param text     the pattern as written
 * @param compiled the equivalent Java regular expression
 */
public record AptPattern(String text, Pattern compiled) {

    public AptPattern {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(compiled, "compiled");
    }

    /** @throws IllegalArgumentException for a {@code /regex/} that does not compile */
    public static AptPattern of(String text) {
        if (isRegex(text)) {
            String body = text.substring(1, text.length() - 1);
            try {
                return new AptPattern(text, Pattern.compile(body, Pattern.CASE_INSENSITIVE));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("invalid regular expression " + text + ": " + e.getDescription());
            }
        }
        return new AptPattern(text, Pattern.compile(globToRegex(text), Pattern.CASE_INSENSITIVE | Pattern.DOTALL));
    }

    /** apt treats a word as a pattern when it is {@code /…/} or contains one of {@code *[?}. */
    public static boolean isPattern(String text) {
        return isRegex(text) || text.indexOf('*') >= 0 || text.indexOf('[') >= 0 || text.indexOf('?') >= 0;
    }

    private static boolean isRegex(String text) {
        return text.length() >= 2 && text.startsWith("/") && text.endsWith("/");
    }

    public boolean matches(String value) {
        if (value == null) {
            return false;
        }
        // regexec finds a match anywhere; fnmatch must match the whole string (the glob regex is anchored).
        return isRegex(text) ? compiled.matcher(value).find() : compiled.matcher(value).matches();
    }

    private static String globToRegex(String glob) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> out.append(".*");
                case '?' -> out.append('.');
                case '\\' -> {
                    if (i + 1 < glob.length()) {
                        out.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
                    } else {
                        out.append("\\\\");
                    }
                }
                case '[' -> {
                    int close = bracketEnd(glob, i);
                    if (close < 0) {
                        out.append("\\[");
                    } else {
                        String body = glob.substring(i + 1, close);
                        out.append('[');
                        if (body.startsWith("!") || body.startsWith("^")) {
                            out.append('^');
                            body = body.substring(1);
                        }
                        for (char m : body.toCharArray()) {
                            // characters special inside Java classes but literal in fnmatch brackets
                            out.append("\\[]&^".indexOf(m) >= 0 ? "\\" + m : String.valueOf(m));
                        }
                        out.append(']');
                        i = close;
                    }
                }
                default -> out.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return out.toString();
    }

    /** The index of the {@code ]} closing a bracket expression opened at {@code open}, or -1 (then '[' is literal). */
    private static int bracketEnd(String glob, int open) {
        int i = open + 1;
        if (i < glob.length() && (glob.charAt(i) == '!' || glob.charAt(i) == '^')) {
            i++;
        }
        if (i < glob.length() && glob.charAt(i) == ']') {
            i++; // a leading ']' is a member
        }
        for (; i < glob.length(); i++) {
            if (glob.charAt(i) == ']') {
                return i;
            }
        }
        return -1;
    }
}
