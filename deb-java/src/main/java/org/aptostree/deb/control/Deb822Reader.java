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

    /** The values of the current stanza back to back (see {@link Paragraph}); the current one starts at valueStart. */
    private byte[] value = new byte[1 << 14];
    private int valueLength;
    private int valueStart;
    private String[] stanzaNames = new String[32];
    private int[] stanzaHashes = new int[32];
    private int[] stanzaEnds = new int[32];
    private int fieldCount;
    /** Folded hash of the name last returned by {@link #fieldName(int)}. */
    private int nameFoldedHash;

    private final String[] nameCache = new String[512];
    private final byte[][] nameCacheBytes = new byte[512][];
    private final int[] nameCacheFolded = new int[512];
    /** Name sequences already seen, shared by the paragraphs that have them (most stanzas repeat a few dozen layouts). */
    private final String[][] layoutNames = new String[256][];
    private final int[][] layoutHashes = new int[256][];

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
        long stanzaLine = -1;
        String name = null;
        while (nextLine()) {
            int c = buf[lineStart];
            if (isBlankLine()) {
                if (name != null) {
                    finishField();
                    return buildParagraph(stanzaLine);
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
            if (name == null) {
                stanzaLine = lineNumber;
            } else {
                finishField();
            }
            int colon = lineStart;
            while (colon < lineEnd && buf[colon] != ':') {
                colon++;
            }
            name = fieldName(colon);
            if (hasField(name, nameFoldedHash)) {
                throw new DebFormatException("duplicate value for '" + name + "' field", lineNumber, lineOffset, null);
            }
            addField(name, nameFoldedHash);
            int v = colon + 1;
            while (v < lineEnd && (buf[v] == ' ' || buf[v] == '\t')) {
                v++;
            }
            valueStart = valueLength;
            appendValue(buf, v, lineEnd - v);
        }
        if (name != null) {
            finishField();
            return buildParagraph(stanzaLine);
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
            nameFoldedHash = nameCacheFolded[slot];
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
        nameFoldedHash = Paragraph.foldedHash(name);
        nameCacheFolded[slot] = nameFoldedHash;
        return name;
    }

    private boolean hasField(String name, int foldedHash) {
        for (int i = 0; i < fieldCount; i++) {
            if (stanzaHashes[i] == foldedHash && stanzaNames[i].equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private void addField(String name, int foldedHash) {
        if (fieldCount == stanzaNames.length) {
            stanzaNames = java.util.Arrays.copyOf(stanzaNames, fieldCount * 2);
            stanzaHashes = java.util.Arrays.copyOf(stanzaHashes, fieldCount * 2);
            stanzaEnds = java.util.Arrays.copyOf(stanzaEnds, fieldCount * 2);
        }
        stanzaNames[fieldCount] = name;
        stanzaHashes[fieldCount] = foldedHash;
        fieldCount++;
    }

    /** Ends the current field's value: trailing white space is not part of it (as dpkg). */
    private void finishField() {
        while (valueLength > valueStart && isSpace(value[valueLength - 1])) {
            valueLength--;
        }
        stanzaEnds[fieldCount - 1] = valueLength;
    }

    private Paragraph buildParagraph(long stanzaLine) {
        int n = fieldCount;
        int hash = n;
        for (int i = 0; i < n; i++) {
            hash = 31 * hash + stanzaHashes[i];
        }
        int slot = (hash ^ (hash >>> 8)) & (layoutNames.length - 1);
        String[] names = layoutNames[slot];
        int[] hashes = layoutHashes[slot];
        if (names == null || !sameNames(names, n)) {
            names = java.util.Arrays.copyOf(stanzaNames, n);
            hashes = java.util.Arrays.copyOf(stanzaHashes, n);
            layoutNames[slot] = names;
            layoutHashes[slot] = hashes;
        }
        Paragraph p = new Paragraph(names, hashes, java.util.Arrays.copyOf(value, valueLength),
                java.util.Arrays.copyOf(stanzaEnds, n), stanzaLine);
        fieldCount = 0;
        valueLength = 0;
        valueStart = 0;
        return p;
    }

    private boolean sameNames(String[] names, int n) {
        if (names.length != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            // Names are interned.
            if (names[i] != stanzaNames[i]) {
                return false;
            }
        }
        return true;
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
        // The limit is per value; the buffer holds the whole stanza.
        if ((long) valueLength - valueStart + extra > MAX_VALUE) {
            throw new DebFormatException("field value too long", lineNumber, lineOffset, null);
        }
        if (valueLength + extra > value.length) {
            value = java.util.Arrays.copyOf(value, (int) Math.min(Integer.MAX_VALUE - 8,
                    Math.max((long) valueLength + extra, value.length * 2L)));
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
