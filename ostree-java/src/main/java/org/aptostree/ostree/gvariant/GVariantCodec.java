package org.aptostree.ostree.gvariant;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.aptostree.ostree.OstreeFormatException;

/**
 * The one GVariant serialiser of the project: writes values in normal form and reads them back with every
 * offset and size checked, rejecting input that is not in normal form as libostree does.
 *
 * <p>Java representation of values: {@code b} Boolean, {@code y} Byte, {@code n}/{@code q} Short,
 * {@code i}/{@code u}/{@code h} Integer, {@code x}/{@code t} Long, {@code d} Double, {@code s}/{@code o}/{@code g}
 * String, {@code ay} byte[], other arrays {@link List}, tuples {@link List} of their members, dictionary entries
 * {@link DictEntry}, {@code v} {@link Variant}, maybes {@link Optional}. Integers are stored in little-endian
 * order as GVariant does on x86; fields that OSTree stores big-endian are swapped by the object model.
 */
public final class GVariantCodec {

    private GVariantCodec() {
    }

    // ---------------------------------------------------------------- encoding

    /** Serialises a value of the given type in normal form. */
    public static byte[] encode(GVariantType type, Object value) {
        ByteSink sink = new ByteSink(64);
        write(type, value, sink);
        return sink.toByteArray();
    }

    public static byte[] encode(String signature, Object value) {
        return encode(GVariantType.of(signature), value);
    }

    private static void write(GVariantType type, Object value, ByteSink out) {
        switch (type.kind()) {
            case BOOLEAN -> out.write(((Boolean) value) ? 1 : 0);
            case BYTE -> out.write(((Number) value).byteValue());
            case INT16, UINT16 -> out.writeLE(((Number) value).shortValue(), 2);
            case INT32, UINT32, HANDLE -> out.writeLE(((Number) value).intValue(), 4);
            case INT64, UINT64 -> out.writeLE(((Number) value).longValue(), 8);
            case DOUBLE -> out.writeLE(Double.doubleToRawLongBits((Double) value), 8);
            case STRING, OBJECT_PATH, SIGNATURE -> {
                byte[] bytes = ((String) value).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
                out.write(0);
            }
            case VARIANT -> {
                Variant v = (Variant) value;
                write(v.type(), v.value(), out);
                out.write(0);
                byte[] sig = v.type().signature().getBytes(StandardCharsets.US_ASCII);
                out.write(sig, 0, sig.length);
            }
            case MAYBE -> {
                Optional<?> maybe = (Optional<?>) value;
                if (maybe.isPresent()) {
                    write(type.element(), maybe.get(), out);
                    if (!type.element().isFixedSize()) {
                        out.write(0);
                    }
                }
            }
            case ARRAY -> writeArray(type, value, out);
            case TUPLE -> writeTuple(type, (List<?>) value, out);
            case DICT_ENTRY -> {
                DictEntry entry = (DictEntry) value;
                writeTuple(type, Arrays.asList(entry.key(), entry.value()), out);
            }
        }
    }

    private static void writeArray(GVariantType type, Object value, ByteSink out) {
        GVariantType element = type.element();
        if (element.kind() == GVariantType.Kind.BYTE && value instanceof byte[] bytes) {
            out.write(bytes, 0, bytes.length);
            return;
        }
        List<?> items = (List<?>) value;
        if (element.isFixedSize()) {
            for (Object item : items) {
                write(element, item, out);
            }
            return;
        }
        int start = out.size();
        int[] ends = new int[items.size()];
        int i = 0;
        for (Object item : items) {
            out.pad(element.alignment());
            write(element, item, out);
            ends[i++] = out.size() - start;
        }
        writeOffsets(out, start, ends, false);
    }

    private static void writeTuple(GVariantType type, List<?> members, ByteSink out) {
        List<GVariantType> types = type.children();
        if (members.size() != types.size()) {
            throw new IllegalArgumentException("tuple " + type + " needs " + types.size() + " members, got " + members.size());
        }
        int start = out.size();
        int[] ends = new int[types.size()];
        int n = 0;
        for (int i = 0; i < types.size(); i++) {
            GVariantType member = types.get(i);
            out.pad(member.alignment());
            write(member, members.get(i), out);
            if (!member.isFixedSize() && i != types.size() - 1) {
                ends[n++] = out.size() - start;
            }
        }
        if (type.isFixedSize()) {
            while (out.size() - start < type.fixedSize()) {
                out.write(0);
            }
            return;
        }
        writeOffsets(out, start, Arrays.copyOf(ends, n), true);
    }

    private static void writeOffsets(ByteSink out, int start, int[] ends, boolean reverse) {
        if (ends.length == 0) {
            return;
        }
        int body = out.size() - start;
        int width = offsetWidthForBody(body, ends.length);
        for (int i = 0; i < ends.length; i++) {
            int end = ends[reverse ? ends.length - 1 - i : i];
            out.writeLE(end, width);
        }
    }

    /** The smallest framing offset width that can address a container of {@code body} bytes plus its offsets. */
    static int offsetWidthForBody(long body, int count) {
        if (body + count <= 0xFFL) {
            return 1;
        } else if (body + 2L * count <= 0xFFFFL) {
            return 2;
        } else if (body + 4L * count <= 0xFFFFFFFFL) {
            return 4;
        }
        return 8;
    }

    /** The framing offset width a reader uses for a container of {@code size} bytes. */
    static int offsetWidthForSize(long size) {
        if (size == 0) {
            return 0;
        } else if (size <= 0xFF) {
            return 1;
        } else if (size <= 0xFFFF) {
            return 2;
        } else if (size <= 0xFFFFFFFFL) {
            return 4;
        }
        return 8;
    }

    /**
     * The value with the byte order of every number swapped, as {@code g_variant_byteswap}: what a value serialised
     * big-endian reads as (ostree prints commit data this way on little-endian machines).
     */
    public static Object byteswap(GVariantType type, Object value) {
        switch (type.kind()) {
            case INT16: case UINT16:
                return Short.reverseBytes((Short) value);
            case INT32: case UINT32: case HANDLE:
                return Integer.reverseBytes((Integer) value);
            case INT64: case UINT64:
                return Long.reverseBytes((Long) value);
            case DOUBLE:
                return Double.longBitsToDouble(Long.reverseBytes(Double.doubleToRawLongBits((Double) value)));
            case VARIANT: {
                Variant v = (Variant) value;
                return new Variant(v.type(), byteswap(v.type(), v.value()));
            }
            case MAYBE:
                return ((Optional<?>) value).map(v -> byteswap(type.element(), v));
            case ARRAY: {
                if (value instanceof byte[]) {
                    return value;
                }
                List<Object> out = new ArrayList<>();
                for (Object item : (List<?>) value) {
                    out.add(byteswap(type.element(), item));
                }
                return out;
            }
            case TUPLE: {
                List<?> members = (List<?>) value;
                List<Object> out = new ArrayList<>();
                for (int i = 0; i < members.size(); i++) {
                    out.add(byteswap(type.children().get(i), members.get(i)));
                }
                return out;
            }
            case DICT_ENTRY: {
                DictEntry e = (DictEntry) value;
                return new DictEntry(byteswap(type.children().get(0), e.key()), byteswap(type.children().get(1), e.value()));
            }
            default:
                return value;
        }
    }

    // ---------------------------------------------------------------- decoding

    /** Reads a whole serialised value, which must be in normal form. */
    public static Object decode(GVariantType type, byte[] data) throws OstreeFormatException {
        return decode(type, data, 0, data.length);
    }

    public static Object decode(String signature, byte[] data) throws OstreeFormatException {
        return decode(GVariantType.of(signature), data);
    }

    /** Reads a serialised value from {@code data[offset, offset+length)}, which must be in normal form. */
    public static Object decode(GVariantType type, byte[] data, int offset, int length) throws OstreeFormatException {
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw new IndexOutOfBoundsException();
        }
        Object value = read(type, data, offset, offset + length, offset);
        // Reading accepts a few encodings GLib also tolerates (wider offsets than needed); re-encoding tells them apart.
        // Sized as the input, which a value in normal form fills exactly, and compared in place.
        ByteSink canonical = new ByteSink(length);
        write(type, value, canonical);
        if (!canonical.contentEquals(data, offset, length)) {
            throw new OstreeFormatException("GVariant of type " + type + " is not in normal form", offset);
        }
        return value;
    }

    private static OstreeFormatException error(GVariantType type, String what, int at, int base) {
        return new OstreeFormatException("invalid GVariant " + type + ": " + what, at - base);
    }

    private static Object read(GVariantType type, byte[] d, int start, int end, int base) throws OstreeFormatException {
        int size = end - start;
        if (type.isFixedSize() && size != type.fixedSize()) {
            throw error(type, "size " + size + " instead of " + type.fixedSize(), start, base);
        }
        switch (type.kind()) {
            case BOOLEAN: {
                if (d[start] > 1 || d[start] < 0) {
                    throw error(type, "boolean byte " + d[start], start, base);
                }
                return d[start] == 1;
            }
            case BYTE:
                return d[start];
            case INT16: case UINT16:
                return (short) readLE(d, start, 2);
            case INT32: case UINT32: case HANDLE:
                return (int) readLE(d, start, 4);
            case INT64: case UINT64:
                return readLE(d, start, 8);
            case DOUBLE:
                return Double.longBitsToDouble(readLE(d, start, 8));
            case STRING: case OBJECT_PATH: case SIGNATURE:
                return readString(type, d, start, end, base);
            case VARIANT:
                return readVariant(type, d, start, end, base);
            case MAYBE:
                return readMaybe(type, d, start, end, base);
            case ARRAY:
                return readArray(type, d, start, end, base);
            case TUPLE:
                return readTuple(type, d, start, end, base);
            case DICT_ENTRY: {
                List<Object> kv = readTuple(type, d, start, end, base);
                return new DictEntry(kv.get(0), kv.get(1));
            }
            default:
                throw new AssertionError(type);
        }
    }

    private static String readString(GVariantType type, byte[] d, int start, int end, int base) throws OstreeFormatException {
        if (end == start || d[end - 1] != 0) {
            throw error(type, "string not NUL-terminated", end, base);
        }
        boolean ascii = true;
        for (int i = start; i < end - 1; i++) {
            if (d[i] == 0) {
                throw error(type, "NUL inside string", i, base);
            }
            ascii &= d[i] > 0;
        }
        if (ascii) {
            // Most names are ASCII, which is valid UTF-8 as it is: no decoder (and its buffers) per string.
            return new String(d, start, end - 1 - start, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(d, start, end - 1 - start))
                    .toString();
        } catch (CharacterCodingException e) {
            throw error(type, "string is not valid UTF-8", start, base);
        }
    }

    private static Variant readVariant(GVariantType type, byte[] d, int start, int end, int base) throws OstreeFormatException {
        int sep = end - 1;
        while (sep >= start && d[sep] != 0) {
            sep--;
        }
        if (sep < start) {
            throw error(type, "variant without type separator", start, base);
        }
        String signature = new String(d, sep + 1, end - sep - 1, StandardCharsets.US_ASCII);
        GVariantType childType = GVariantType.tryParse(signature);
        if (childType == null) {
            throw error(type, "variant with invalid type '" + signature + "'", sep + 1, base);
        }
        return new Variant(childType, read(childType, d, start, sep, base));
    }

    private static Optional<Object> readMaybe(GVariantType type, byte[] d, int start, int end, int base) throws OstreeFormatException {
        if (start == end) {
            return Optional.empty();
        }
        GVariantType element = type.element();
        if (element.isFixedSize()) {
            return Optional.of(read(element, d, start, end, base));
        }
        if (d[end - 1] != 0) {
            throw error(type, "maybe without trailing NUL", end - 1, base);
        }
        return Optional.of(read(element, d, start, end - 1, base));
    }

    private static Object readArray(GVariantType type, byte[] d, int start, int end, int base) throws OstreeFormatException {
        GVariantType element = type.element();
        int size = end - start;
        if (element.kind() == GVariantType.Kind.BYTE) {
            return Arrays.copyOfRange(d, start, end);
        }
        if (element.isFixedSize()) {
            int elementSize = element.fixedSize();
            if (size % elementSize != 0) {
                throw error(type, "size " + size + " is not a multiple of the element size " + elementSize, start, base);
            }
            List<Object> items = new ArrayList<>(size / elementSize);
            for (int p = start; p < end; p += elementSize) {
                items.add(read(element, d, p, p + elementSize, base));
            }
            return List.copyOf(items);
        }
        if (size == 0) {
            return List.of();
        }
        int width = offsetWidthForSize(size);
        if (size < width) {
            throw error(type, "too small for its framing offset", start, base);
        }
        long tableStart = readLE(d, end - width, width);
        if (tableStart > size - width || (size - tableStart) % width != 0) {
            throw error(type, "framing offset " + tableStart + " out of bounds", end - width, base);
        }
        int count = (int) ((size - tableStart) / width);
        List<Object> items = new ArrayList<>(count);
        int pos = start;
        for (int i = 0; i < count; i++) {
            long elementEnd = readLE(d, start + (int) tableStart + i * width, width);
            int elementStart = checkPadding(type, d, pos, element.alignment(), base);
            if (elementEnd < elementStart - start || elementEnd > tableStart) {
                throw error(type, "element " + i + " framing offset " + elementEnd + " out of bounds", start + (int) tableStart + i * width, base);
            }
            items.add(read(element, d, elementStart, start + (int) elementEnd, base));
            pos = start + (int) elementEnd;
        }
        if (pos != start + tableStart) {
            throw error(type, "bytes between the last element and the framing offsets", pos, base);
        }
        return List.copyOf(items);
    }

    private static List<Object> readTuple(GVariantType type, byte[] d, int start, int end, int base) throws OstreeFormatException {
        List<GVariantType> members = type.children();
        int size = end - start;
        int width = type.isFixedSize() ? 0 : offsetWidthForSize(size);
        int offsetsEnd = end;
        List<Object> values = new ArrayList<>(members.size());
        int pos = start;
        for (int i = 0; i < members.size(); i++) {
            GVariantType member = members.get(i);
            pos = checkPadding(type, d, pos, member.alignment(), base);
            if (pos > end) {
                throw error(type, "member " + i + " starts past the end", end, base);
            }
            int memberEnd;
            if (member.isFixedSize()) {
                memberEnd = pos + member.fixedSize();
            } else if (i == members.size() - 1) {
                memberEnd = offsetsEnd;
            } else {
                offsetsEnd -= width;
                if (offsetsEnd < pos) {
                    throw error(type, "framing offsets overlap member " + i, offsetsEnd, base);
                }
                memberEnd = start + (int) Math.min(readLE(d, offsetsEnd, width), Integer.MAX_VALUE);
            }
            if (memberEnd < pos || memberEnd > offsetsEnd) {
                throw error(type, "member " + i + " ends out of bounds", pos, base);
            }
            values.add(read(member, d, pos, memberEnd, base));
            pos = memberEnd;
        }
        if (type.isFixedSize()) {
            checkZero(type, d, pos, end, base);
        } else if (pos != offsetsEnd) {
            throw error(type, "unused bytes after the last member", pos, base);
        }
        return values;
    }

    private static int checkPadding(GVariantType type, byte[] d, int pos, int alignment, int base) throws OstreeFormatException {
        int aligned = base + GVariantType.align(pos - base, alignment);
        checkZero(type, d, pos, Math.min(aligned, d.length), base);
        return aligned;
    }

    private static void checkZero(GVariantType type, byte[] d, int from, int to, int base) throws OstreeFormatException {
        for (int i = from; i < to; i++) {
            if (d[i] != 0) {
                throw error(type, "non-zero padding", i, base);
            }
        }
    }

    static long readLE(byte[] d, int at, int width) {
        long v = 0;
        for (int i = width - 1; i >= 0; i--) {
            v = (v << 8) | (d[at + i] & 0xFF);
        }
        return v;
    }

    /** Structural equality of decoded values (byte arrays by content). */
    static boolean valueEquals(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!valueEquals(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** A growable byte array that tracks its write position. */
    static final class ByteSink {
        private byte[] buf;
        private int size;

        ByteSink(int capacity) {
            buf = new byte[capacity];
        }

        int size() {
            return size;
        }

        void write(int b) {
            ensure(1);
            buf[size++] = (byte) b;
        }

        void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, size, len);
            size += len;
        }

        void writeLE(long v, int width) {
            ensure(width);
            for (int i = 0; i < width; i++) {
                buf[size++] = (byte) (v >>> (8 * i));
            }
        }

        void pad(int alignment) {
            int target = GVariantType.align(size, alignment);
            ensure(target - size);
            while (size < target) {
                buf[size++] = 0;
            }
        }

        private void ensure(int extra) {
            if (size + extra > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }

        boolean contentEquals(byte[] data, int offset, int length) {
            return Arrays.equals(buf, 0, size, data, offset, offset + length);
        }
    }
}
