package org.aptostree.ostree.gvariant;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A GVariant type, parsed from its signature ({@code "(a{sv}aya(say)sstayay)"}), with the alignment and
 * fixed size the serialisation format derives from it.
 */
public final class GVariantType {

    /** The type's outer constructor. */
    public enum Kind {
        BOOLEAN, BYTE, INT16, UINT16, INT32, UINT32, HANDLE, INT64, UINT64, DOUBLE,
        STRING, OBJECT_PATH, SIGNATURE, VARIANT, ARRAY, MAYBE, TUPLE, DICT_ENTRY
    }

    private static final Map<String, GVariantType> CACHE = new ConcurrentHashMap<>();

    private final String signature;
    private final Kind kind;
    private final List<GVariantType> children;
    private final int alignment;
    private final int fixedSize;

    private GVariantType(String signature, Kind kind, List<GVariantType> children) {
        this.signature = signature;
        this.kind = kind;
        this.children = List.copyOf(children);
        this.alignment = computeAlignment();
        this.fixedSize = computeFixedSize();
    }

    /** Parses one complete type signature. */
    public static GVariantType of(String signature) {
        GVariantType cached = CACHE.get(signature);
        if (cached != null) {
            return cached;
        }
        int[] pos = {0};
        GVariantType type;
        try {
            type = parse(signature, pos);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid GVariant type '" + signature + "': " + e.getMessage(), e);
        }
        if (pos[0] != signature.length()) {
            throw new IllegalArgumentException("invalid GVariant type '" + signature + "': trailing characters");
        }
        if (CACHE.size() < 4096) {
            CACHE.put(signature, type);
        }
        return type;
    }

    /** Parses a signature, returning null instead of throwing (used on untrusted variant payloads). */
    static GVariantType tryParse(String signature) {
        try {
            return of(signature);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static GVariantType parse(String s, int[] pos) {
        if (pos[0] >= s.length()) {
            throw new IllegalArgumentException("unexpected end");
        }
        int start = pos[0];
        char c = s.charAt(pos[0]++);
        Kind basic = basicKind(c);
        if (basic != null) {
            return new GVariantType(String.valueOf(c), basic, List.of());
        }
        switch (c) {
            case 'a': {
                GVariantType element = parse(s, pos);
                return new GVariantType(s.substring(start, pos[0]), Kind.ARRAY, List.of(element));
            }
            case 'm': {
                GVariantType element = parse(s, pos);
                return new GVariantType(s.substring(start, pos[0]), Kind.MAYBE, List.of(element));
            }
            case '(': {
                List<GVariantType> members = new ArrayList<>();
                while (true) {
                    if (pos[0] >= s.length()) {
                        throw new IllegalArgumentException("unterminated tuple");
                    }
                    if (s.charAt(pos[0]) == ')') {
                        pos[0]++;
                        break;
                    }
                    members.add(parse(s, pos));
                }
                return new GVariantType(s.substring(start, pos[0]), Kind.TUPLE, members);
            }
            case '{': {
                GVariantType key = parse(s, pos);
                if (key.kind.compareTo(Kind.SIGNATURE) > 0) {
                    throw new IllegalArgumentException("dictionary key must be a basic type");
                }
                GVariantType value = parse(s, pos);
                if (pos[0] >= s.length() || s.charAt(pos[0]) != '}') {
                    throw new IllegalArgumentException("dictionary entry must have exactly two members");
                }
                pos[0]++;
                return new GVariantType(s.substring(start, pos[0]), Kind.DICT_ENTRY, List.of(key, value));
            }
            default:
                throw new IllegalArgumentException("unknown type character '" + c + "'");
        }
    }

    private static Kind basicKind(char c) {
        switch (c) {
            case 'b': return Kind.BOOLEAN;
            case 'y': return Kind.BYTE;
            case 'n': return Kind.INT16;
            case 'q': return Kind.UINT16;
            case 'i': return Kind.INT32;
            case 'u': return Kind.UINT32;
            case 'h': return Kind.HANDLE;
            case 'x': return Kind.INT64;
            case 't': return Kind.UINT64;
            case 'd': return Kind.DOUBLE;
            case 's': return Kind.STRING;
            case 'o': return Kind.OBJECT_PATH;
            case 'g': return Kind.SIGNATURE;
            case 'v': return Kind.VARIANT;
            default: return null;
        }
    }

    private int computeAlignment() {
        switch (kind) {
            case BOOLEAN: case BYTE: case STRING: case OBJECT_PATH: case SIGNATURE: return 1;
            case INT16: case UINT16: return 2;
            case INT32: case UINT32: case HANDLE: return 4;
            case INT64: case UINT64: case DOUBLE: case VARIANT: return 8;
            case ARRAY: case MAYBE: return children.get(0).alignment;
            default: {
                int a = 1;
                for (GVariantType child : children) {
                    a = Math.max(a, child.alignment);
                }
                return a;
            }
        }
    }

    private int computeFixedSize() {
        switch (kind) {
            case BOOLEAN: case BYTE: return 1;
            case INT16: case UINT16: return 2;
            case INT32: case UINT32: case HANDLE: return 4;
            case INT64: case UINT64: case DOUBLE: return 8;
            case TUPLE: case DICT_ENTRY: {
                int size = 0;
                for (GVariantType child : children) {
                    if (child.fixedSize == 0) {
                        return 0;
                    }
                    size = align(size, child.alignment) + child.fixedSize;
                }
                // The unit type () occupies one byte so that arrays of it have a size.
                return size == 0 ? 1 : align(size, alignment);
            }
            default:
                return 0;
        }
    }

    static int align(int offset, int alignment) {
        return (offset + alignment - 1) & -alignment;
    }

    public String signature() {
        return signature;
    }

    public Kind kind() {
        return kind;
    }

    /** Members of a tuple or dictionary entry, or the single element type of an array or maybe. */
    public List<GVariantType> children() {
        return children;
    }

    /** The element type of an array or maybe. */
    public GVariantType element() {
        if (kind != Kind.ARRAY && kind != Kind.MAYBE) {
            throw new IllegalStateException(signature + " has no element type");
        }
        return children.get(0);
    }

    public int alignment() {
        return alignment;
    }

    /** Serialised size of every value of this type, or 0 when values differ in size. */
    public int fixedSize() {
        return fixedSize;
    }

    public boolean isFixedSize() {
        return fixedSize != 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GVariantType other && other.signature.equals(signature);
    }

    @Override
    public int hashCode() {
        return signature.hashCode();
    }

    @Override
    public String toString() {
        return signature;
    }
}
