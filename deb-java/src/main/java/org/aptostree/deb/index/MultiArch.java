package org.aptostree.deb.index;

import org.aptostree.deb.DebFormatException;

/** The {@code Multi-Arch} field (deb-control(5)); absent means {@link #NO}. */
public enum MultiArch {
    NO, SAME, FOREIGN, ALLOWED;

    /** Parses the field value (case-sensitive, as dpkg); null means absent, i.e. {@link #NO}. */
    public static MultiArch parse(String value) throws DebFormatException {
        if (value == null) {
            return NO;
        }
        return switch (value) {
            case "no" -> NO;
            case "same" -> SAME;
            case "foreign" -> FOREIGN;
            case "allowed" -> ALLOWED;
            default -> throw new DebFormatException("'Multi-Arch' field value '" + value + "' is not allowed");
        };
    }

    /** The field value as written, e.g. {@code "same"}. */
    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
