package org.aptostree.deb.control;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.aptostree.deb.DebFormatException;

/**
 * Streaming deb822 reader for control files, Packages, Release, dpkg status and APT
 * {@code .sources}: one {@link Paragraph} per {@link #read()}.
 *
 * <p>Rules (deb822(5) and dpkg's lib/dpkg/parse.c): a field is {@code Name: value}; lines starting
 * with a space or tab continue the previous field; stanzas are separated by one or more empty
 * lines (whitespace-only lines count as empty, as deb822(5) allows); a repeated field in a stanza
 * is an error; field names are case-insensitive. Lines starting with {@code #} are comments only
 * when {@link Syntax#WITH_COMMENTS} is chosen (source {@code debian/control}, APT {@code .sources});
 * a comment never ends a stanza or a field. A missing final newline is accepted (as apt does).
 *
 * <p>The input is read as bytes and values are decoded as UTF-8 (invalid sequences become
 * U+FFFD). Errors are {@link DebFormatException}s carrying the 1-based line and the byte offset.
 */
public final class Deb822Reader implements Closeable {

    /** Which dialect of deb822 to accept. */
    public enum Syntax {
        /** Binary control files, Packages, Release, status: {@code #} lines are errors. */
        STRICT,
        /** Source control files and APT {@code .sources}: {@code #} lines in column 0 are comments. */
        WITH_COMMENTS
    }

    /** Longest line accepted, so a hostile file cannot make the reader buffer without bound. */
    static final int MAX_LINE = 16 << 20;
    /** Longest field value accepted (a Description or a Release checksum list can be long). */
    static final int MAX_VALUE = 64 << 20;

    private final InputStream in;
    private final boolean comments;
    private byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private boolean eof;
    private long bufferOffset;
    private long lineNumber;

    private int lineStart;
    private int lineEnd;
    private long lineOffset;

    private byte[] value = new byte[1024];
    private int valueLength;
    private final String[] nameCache = new String[512];
    private final byte[][] nameCacheBytes = new byte[512][];
    private final String[] valueCache = new String[1024];
    private final byte[][] valueCacheBytes = new byte[1024][];
    private final int[] valueCacheHashes = new int[1024];

    /** A reader of strict deb822 (no comments). The stream is closed by {@link #close()}. */
    public Deb822Reader(InputStream in) {
        this(in, Syntax.STRICT);
    }

    /** A reader of the given dialect. The stream is closed by {@link #close()}. */
    public Deb822Reader(InputStream in, Syntax syntax) {
        this.in = in;
        this.comments = syntax == Syntax.WITH_COMMENTS;
    }

    /** Parses all stanzas of {@code text} (strict syntax). */
    public static List<Paragraph> parseAll(String text) throws DebFormatException {
        return parseAll(text, Syntax.STRICT);
    }

    /** Parses all stanzas of {@code text}. */
    public static List<Paragraph> parseAll(String text, Syntax syntax) throws DebFormatException {
        try (Deb822Reader r = new Deb822Reader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), syntax)) {
            return r.readAll();
        } catch (DebFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream failed", e);
        }
    }

    /**
     * Parses text that must hold exactly one stanza (e.g. a binary package's control file).
     *
     * @throws DebFormatException when there is no stanza or more than one
     */
    public static Paragraph parseOne(byte[] text) throws DebFormatException {
        try (Deb822Reader r = new Deb822Reader(new ByteArrayInputStream(text))) {
            Paragraph p = r.read();
            if (p == null) {
                throw DebFormatException.atLine("no stanza found", 1);
            }
            if (r.read() != null) {
                throw DebFormatException.atLine("more than one stanza", r.lineNumber);
            }
            return p;
        } catch (DebFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream failed", e);
        }
    }

    /** Reads every remaining stanza. */
    public List<Paragraph> readAll() throws IOException {
        List<Paragraph> all = new ArrayList<>();
        for (Paragraph p = read(); p != null; p = read()) {
            all.add(p);
        }
        return all;
    }

    /** The next stanza, or null at the end of the input. */
    public Paragraph read() throws IOException {
        Paragraph.Builder builder = null;
        String name = null;
        long fieldLine = 0;
        long fieldOffset = 0;
        while (nextLine()) {
            int c = buf[lineStart];
            if (isBlankLine()) {
                if (builder != null) {
                    finishField(builder, name, fieldLine, fieldOffset);
                    return builder.buildAndReset();
                }
                continue;
            }
            if (c == '#' && comments) {
                continue;
            }
            if (c == ' ' || c == '\t') {
                if (name == null) {
                    throw new DebFormatException("continuation line without a field", lineNumber, lineOffset, null);
                }
                appendValue((byte) '\n');
                appendValue(buf, lineStart, lineEnd - lineStart);
                continue;
            }
            if (builder == null) {
                builder = Paragraph.builder().line(lineNumber);
            } else {
                finishField(builder, name, fieldLine, fieldOffset);
            }
            int colon = lineStart;
            while (colon < lineEnd && buf[colon] != ':') {
                colon++;
            }
            name = fieldName(colon);
            fieldLine = lineNumber;
            fieldOffset = lineOffset;
            if (builder.has(name)) {
                throw new DebFormatException("duplicate value for '" + name + "' field", lineNumber, lineOffset, null);
            }
            int v = colon + 1;
            while (v < lineEnd && (buf[v] == ' ' || buf[v] == '\t')) {
                v++;
            }
            valueLength = 0;
            appendValue(buf, v, lineEnd - v);
        }
        if (builder != null) {
            finishField(builder, name, fieldLine, fieldOffset);
            return builder.buildAndReset();
        }
        return null;
    }

    /** The number of lines read so far (the line of the last stanza's end). */
    public long lineNumber() {
        return lineNumber;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private String fieldName(int colon) throws DebFormatException {
        int length = colon - lineStart;
        if (colon == lineEnd) {
            String shown = new String(buf, lineStart, Math.min(length, 80), StandardCharsets.UTF_8);
            throw new DebFormatException("field name '" + shown + "' must be followed by colon",
                    lineNumber, lineOffset, null);
        }
        if (length == 0) {
            throw new DebFormatException("empty field name", lineNumber, lineOffset, null);
        }
        int hash = 0;
        for (int i = lineStart; i < colon; i++) {
            int b = buf[i];
            if (b <= 0x20 || b >= 0x7f) {
                throw new DebFormatException("invalid character in field name", lineNumber, lineOffset + (i - lineStart), null);
            }
            hash = 31 * hash + b;
        }
        int slot = (hash ^ (hash >>> 9)) & (nameCache.length - 1);
        byte[] cachedBytes = nameCacheBytes[slot];
        if (cachedBytes != null && java.util.Arrays.equals(cachedBytes, 0, cachedBytes.length, buf, lineStart, colon)) {
            return nameCache[slot];
        }
        String problem = Field.nameProblem(new String(buf, lineStart, length, StandardCharsets.ISO_8859_1));
        if (problem != null) {
            throw new DebFormatException(problem, lineNumber, lineOffset, null);
        }
        // Interned, so that lookups with string literals ("Package") match by identity.
        String name = new String(buf, lineStart, length, StandardCharsets.ISO_8859_1).intern();
        Field.rememberGoodName(name);
        nameCache[slot] = name;
        nameCacheBytes[slot] = java.util.Arrays.copyOfRange(buf, lineStart, colon);
        return name;
    }

    private void finishField(Paragraph.Builder builder, String name, long line, long offset) throws DebFormatException {
        int n = valueLength;
        while (n > 0 && isSpace(value[n - 1])) {
            n--;
        }
        String text;
        // Short one-line values (Architecture, Priority, Section, Multi-Arch…) repeat across a
        // Packages file; sharing them keeps a parsed index small.
        if (n <= 24) {
            int hash = n;
            for (int i = 0; i < n; i++) {
                hash = 31 * hash + value[i];
            }
            int slot = (hash ^ (hash >>> 11)) & (valueCache.length - 1);
            byte[] cachedBytes = valueCacheBytes[slot];
            if (cachedBytes != null && valueCacheHashes[slot] == hash
                    && java.util.Arrays.equals(cachedBytes, 0, cachedBytes.length, value, 0, n)) {
                text = valueCache[slot];
            } else {
                text = new String(value, 0, n, StandardCharsets.UTF_8);
                valueCache[slot] = text;
                valueCacheBytes[slot] = java.util.Arrays.copyOf(value, n);
                valueCacheHashes[slot] = hash;
            }
        } else {
            text = new String(value, 0, n, StandardCharsets.UTF_8);
        }
        try {
            builder.addUnchecked(name, text);
        } catch (IllegalArgumentException e) {
            throw new DebFormatException(e.getMessage(), line, offset, null);
        }
    }

    private void appendValue(byte b) throws DebFormatException {
        ensureValue(1);
        value[valueLength++] = b;
    }

    private void appendValue(byte[] src, int off, int len) throws DebFormatException {
        ensureValue(len);
        System.arraycopy(src, off, value, valueLength, len);
        valueLength += len;
    }

    private void ensureValue(int extra) throws DebFormatException {
        if (valueLength + extra > value.length) {
            if ((long) valueLength + extra > MAX_VALUE) {
                throw new DebFormatException("field value too long", lineNumber, lineOffset, null);
            }
            value = java.util.Arrays.copyOf(value, Math.max(valueLength + extra, Math.min(MAX_VALUE, value.length * 2)));
        }
    }

    private boolean isBlankLine() {
        for (int i = lineStart; i < lineEnd; i++) {
            byte b = buf[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == '\f';
    }

    /** Advances to the next line; false at end of input. Empty final fragment after '\n' is not a line. */
    private boolean nextLine() throws IOException {
        int scan = pos;
        while (true) {
            for (int i = scan; i < limit; i++) {
                if (buf[i] == '\n') {
                    setLine(pos, i, i + 1);
                    return true;
                }
            }
            if (eof) {
                if (pos < limit) {
                    setLine(pos, limit, limit);
                    return true;
                }
                return false;
            }
            scan = limit - pos;
            fill();
        }
    }

    private void setLine(int start, int end, int next) {
        lineStart = start;
        lineEnd = end;
        lineOffset = bufferOffset + start;
        lineNumber++;
        pos = next;
    }

    private void fill() throws IOException {
        if (pos > 0) {
            int remaining = limit - pos;
            System.arraycopy(buf, pos, buf, 0, remaining);
            bufferOffset += pos;
            limit = remaining;
            pos = 0;
        }
        if (limit == buf.length) {
            if (buf.length >= MAX_LINE) {
                throw new DebFormatException("line too long", lineNumber + 1, bufferOffset, null);
            }
            buf = java.util.Arrays.copyOf(buf, Math.min(MAX_LINE, buf.length * 2));
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
        } else {
            limit += n;
        }
    }
}
