package org.aptostree.ostree.container;

import java.nio.charset.StandardCharsets;

/**
 * ostree-ext's escaping of image references and digests into ref names: ASCII letters and digits pass, {@code -}
 * passes, {@code _} becomes {@code __}, {@code /} passes between a letter or digit and a following character,
 * anything else becomes {@code _XX_} (hex code point). {@code sha256:ab…} gives {@code sha256_3A_ab…}.
 */
final class RefEscape {
    private RefEscape() {
    }

    static String escape(String prefix, String s) {
        if (s.isEmpty() || s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid string for a ref: '" + s + "'");
        }
        StringBuilder r = new StringBuilder(prefix).append('/');
        boolean previousAlnum = false;
        int[] cps = s.codePoints().toArray();
        for (int i = 0; i < cps.length; i++) {
            int c = cps[i];
            boolean alnum = c < 128 && Character.isLetterOrDigit(c);
            if (alnum) {
                r.appendCodePoint(c);
            } else if (c == '/' && previousAlnum && i + 1 < cps.length) {
                r.append('/');
            } else if (c == '-') {
                r.append('-');
            } else if (c == '_') {
                r.append("__");
            } else {
                r.append('_').append(String.format("%02X", c)).append('_');
            }
            previousAlnum = alnum;
        }
        return r.toString();
    }

    /** The reverse of {@link #escape} for the part after the prefix. */
    static String unescape(String s) {
        StringBuilder r = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '_') {
                r.append(c);
                continue;
            }
            if (i + 1 < s.length() && s.charAt(i + 1) == '_') {
                r.append('_');
                i++;
                continue;
            }
            int end = s.indexOf('_', i + 1);
            if (end < 0) {
                throw new IllegalArgumentException("unterminated escape in ref '" + s + "'");
            }
            r.appendCodePoint(Integer.parseInt(s.substring(i + 1, end), 16));
            i = end;
        }
        return new String(r.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }
}
