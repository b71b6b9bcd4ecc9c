package org.aptostree.ostree;

/**
 * Bad input to one of the module's parsers: a GVariant that is not in normal form, an object whose
 * structure libostree would reject, a malformed file header. Carries the byte offset when one is known.
 */
public class OstreeFormatException extends Exception {
    private static final long serialVersionUID = 1L;
    private final long offset;

    public OstreeFormatException(String message) {
        this(message, -1);
    }

    public OstreeFormatException(String message, long offset) {
        super(offset >= 0 ? message + " (at byte " + offset + ")" : message);
        this.offset = offset;
    }

    public OstreeFormatException(String message, Throwable cause) {
        super(message, cause);
        this.offset = -1;
    }

    /** Byte offset of the problem in the input, or -1 when the problem is not tied to one place. */
    public long offset() {
        return offset;
    }
}
