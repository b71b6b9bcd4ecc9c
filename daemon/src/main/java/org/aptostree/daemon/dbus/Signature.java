package org.aptostree.daemon.dbus;

import java.util.ArrayList;
import java.util.List;

/** D-Bus type signatures: a signature cut into its complete types, as the specification defines them. */
public final class Signature {
    private static final String BASIC = "ybnqiuxtdsogh";

    private Signature() {
    }

    /**
     * The complete types of {@code signature}, in order ({@code "asa{sv}"} gives {@code as} and {@code a{sv}}).
     *
     * @throws IllegalArgumentException if it is not a valid signature
     */
    public static List<String> split(String signature) {
        List<String> out = new ArrayList<>();
        String s = signature == null ? "" : signature;
        int i = 0;
        while (i < s.length()) {
            int end = end(s, i);
            out.add(s.substring(i, end));
            i = end;
        }
        return out;
    }

    /** Whether {@code type} is one complete type. */
    public static boolean isSingleComplete(String type) {
        try {
            return !type.isEmpty() && end(type, 0) == type.length();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int end(String s, int i) {
        if (i >= s.length()) {
            throw new IllegalArgumentException("incomplete signature '" + s + "'");
        }
        char c = s.charAt(i);
        if (BASIC.indexOf(c) >= 0 || c == 'v') {
            return i + 1;
        }
        if (c == 'a') {
            if (i + 1 < s.length() && s.charAt(i + 1) == '{') {
                int key = i + 2;
                if (key >= s.length() || BASIC.indexOf(s.charAt(key)) < 0) {
                    throw new IllegalArgumentException("a dictionary key must be a basic type in '" + s + "'");
                }
                int value = end(s, key + 1);
                if (value >= s.length() || s.charAt(value) != '}') {
                    throw new IllegalArgumentException("unclosed dictionary entry in '" + s + "'");
                }
                return value + 1;
            }
            return end(s, i + 1);
        }
        if (c == '(') {
            int j = i + 1;
            if (j < s.length() && s.charAt(j) == ')') {
                throw new IllegalArgumentException("empty structure in '" + s + "'");
            }
            while (j < s.length() && s.charAt(j) != ')') {
                j = end(s, j);
            }
            if (j >= s.length()) {
                throw new IllegalArgumentException("unclosed structure in '" + s + "'");
            }
            return j + 1;
        }
        throw new IllegalArgumentException("unknown type code '" + c + "' in '" + s + "'");
    }
}
