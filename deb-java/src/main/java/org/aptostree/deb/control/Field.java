package org.aptostree.deb.control;

import java.util.Objects;

/**
 * One deb822 field: a name and its value as dpkg stores it.
 *
 * <p>The value is the text after the colon with the blanks after the colon and the trailing white
 * space of the whole value removed; continuation lines are kept verbatim (each starts with a space
 * or tab), joined by {@code '\n'}. So a Description is {@code "synopsis\n long line\n .\n more"},
 * exactly what {@code dpkg-deb -f} prints after {@code "Description: "}. A multiline field whose
 * first line is empty (Conffiles, SHA256 in Release) has a value starting with {@code '\n'}.
 *
 * @param name  field name as written (case kept; compare with {@link #is(String)})
 * @param value field value, see above
 */
public record Field(String name, String value) {

    /**
     * Names already checked (the reader registers the few dozen distinct names of an index), so
     * that building a million fields does not re-validate "Package" a million times. Bounded, so
     * that hostile input with endless distinct names cannot grow it.
     */
    private static final java.util.Set<String> KNOWN_GOOD_NAMES = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final int KNOWN_GOOD_LIMIT = 4096;

    /** Records a name that passed {@link #nameProblem}. */
    static void rememberGoodName(String name) {
        if (KNOWN_GOOD_NAMES.size() < KNOWN_GOOD_LIMIT) {
            KNOWN_GOOD_NAMES.add(name);
        }
    }

    /** Checks the name is a valid deb822 field name and the value can be written back. */
    public Field {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (!KNOWN_GOOD_NAMES.contains(name)) {
            String problem = nameProblem(name);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }
        for (int i = value.indexOf('\n'); i >= 0; i = value.indexOf('\n', i + 1)) {
            if (!continuationStartsAt(value, i + 1)) {
                throw new IllegalArgumentException("field '" + name
                        + "': every continuation line must start with a space or tab and not be blank");
            }
        }
    }

    /** True when this field's name equals {@code other} ignoring ASCII case, as deb822 requires. */
    public boolean is(String other) {
        return name.equalsIgnoreCase(other);
    }

    /** The value with continuation lines folded into one line (for folded fields such as Depends). */
    public String foldedValue() {
        if (value.indexOf('\n') < 0) {
            return value;
        }
        StringBuilder b = new StringBuilder(value.length());
        for (String line : value.split("\n", -1)) {
            String t = line.strip();
            if (!t.isEmpty()) {
                if (b.length() > 0) {
                    b.append(' ');
                }
                b.append(t);
            }
        }
        return b.toString();
    }

    /** The field as written in a stanza, with its final newline. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(name.length() + value.length() + 3);
        b.append(name).append(':');
        if (!value.isEmpty() && value.charAt(0) != '\n') {
            b.append(' ');
        }
        return b.append(value).append('\n').toString();
    }

    /** Why {@code name} is not a valid field name, or null when it is. */
    static String nameProblem(String name) {
        if (name.isEmpty()) {
            return "empty field name";
        }
        if (name.charAt(0) == '-') {
            return "field name '" + name + "' cannot start with hyphen";
        }
        if (name.charAt(0) == '#') {
            return "field name '" + name + "' cannot start with '#'";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == ':') {
                return "invalid character in field name '" + name + "'";
            }
        }
        return null;
    }

    private static boolean continuationStartsAt(String value, int start) {
        if (start >= value.length() || (value.charAt(start) != ' ' && value.charAt(start) != '\t')) {
            return false;
        }
        // A blank continuation line would read back as the end of the stanza.
        for (int i = start; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\n') {
                return false;
            }
            if (c != ' ' && c != '\t' && c != '\r') {
                return true;
            }
        }
        return false;
    }
}
