package org.aptostree.deb;

import java.io.IOException;

/**
 * The one checked exception of deb-java for malformed input: a bad version string, a broken
 * deb822 stanza, a relation dpkg would reject, a corrupt ar/tar/compressed stream, a bad
 * signature or hash.
 *
 * <p>It extends {@link IOException} because format errors are discovered while streaming and
 * must be able to surface from {@code InputStream.read()}; callers that care can catch it
 * before {@code IOException}. Every parser in this module throws only this type (or a plain
 * {@code IOException} raised by the underlying source) on bad input.
 *
 * <p>The location is the 1-based {@link #line()} for text formats and/or the 0-based byte
 * {@link #offset()} for binary formats; either is {@code -1} when unknown.
 */
public final class DebFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String reason;
    private final long line;
    private final long offset;

    /** A format error at an unknown location. */
    public DebFormatException(String reason) {
        this(reason, -1, -1, null);
    }

    /**
     * A format error.
     *
     * @param reason what is wrong, without location (e.g. {@code "epoch in version is empty"})
     * @param line   1-based line number, or -1
     * @param offset 0-based byte offset (or character offset in a single value), or -1
     * @param cause  the underlying exception, or null
     */
    public DebFormatException(String reason, long line, long offset, Throwable cause) {
        super(describe(reason, line, offset), cause);
        this.reason = reason;
        this.line = line;
        this.offset = offset;
    }

    /** A format error at a 1-based line. */
    public static DebFormatException atLine(String reason, long line) {
        return new DebFormatException(reason, line, -1, null);
    }

    /** A format error at a 0-based byte offset. */
    public static DebFormatException atOffset(String reason, long offset) {
        return new DebFormatException(reason, -1, offset, null);
    }

    /** The message without the location. */
    public String reason() {
        return reason;
    }

    /** 1-based line of the error, or -1 when unknown or not a text format. */
    public long line() {
        return line;
    }

    /** 0-based byte offset of the error, or -1 when unknown. */
    public long offset() {
        return offset;
    }

    /** The same error moved to another line and offset (used when a value parser's error is placed in its file). */
    public DebFormatException at(long newLine, long newOffset) {
        return new DebFormatException(reason, newLine, newOffset, this);
    }

    private static String describe(String reason, long line, long offset) {
        if (line >= 0 && offset >= 0) {
            return reason + " (line " + line + ", offset " + offset + ")";
        } else if (line >= 0) {
            return reason + " (line " + line + ")";
        } else if (offset >= 0) {
            return reason + " (offset " + offset + ")";
        }
        return reason;
    }
}
