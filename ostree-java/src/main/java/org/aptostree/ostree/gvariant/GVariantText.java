package org.aptostree.ostree.gvariant;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** Prints values in GVariant text format, as {@code g_variant_print(value, TRUE)} does (used by ostree show). */
public final class GVariantText {

    private GVariantText() {
    }

    public static String format(GVariantType type, Object value) {
        StringBuilder out = new StringBuilder();
        print(type, value, true, out);
        return out.toString();
    }

    private static void print(GVariantType type, Object value, boolean annotate, StringBuilder out) {
        switch (type.kind()) {
            case BOOLEAN -> out.append((Boolean) value ? "true" : "false");
            case BYTE -> out.append(annotate ? "byte " : "").append(String.format("0x%02x", ((Byte) value) & 0xFF));
            case INT16 -> out.append(annotate ? "int16 " : "").append((short) value);
            case UINT16 -> out.append(annotate ? "uint16 " : "").append(((Short) value) & 0xFFFF);
            case INT32 -> out.append((int) value);
            case UINT32 -> out.append(annotate ? "uint32 " : "").append(Integer.toUnsignedString((Integer) value));
            case HANDLE -> out.append(annotate ? "handle " : "").append((int) value);
            case INT64 -> out.append(annotate ? "int64 " : "").append((long) value);
            case UINT64 -> out.append(annotate ? "uint64 " : "").append(Long.toUnsignedString((Long) value));
            case DOUBLE -> out.append((double) value);
            case STRING -> quote((String) value, out);
            case OBJECT_PATH -> quote((String) value, out.append(annotate ? "objectpath " : ""));
            case SIGNATURE -> quote((String) value, out.append(annotate ? "signature " : ""));
            case VARIANT -> {
                Variant v = (Variant) value;
                out.append('<');
                print(v.type(), v.value(), true, out);
                out.append('>');
            }
            case MAYBE -> {
                Optional<?> maybe = (Optional<?>) value;
                if (maybe.isEmpty()) {
                    out.append(annotate ? "@" + type + " " : "").append("nothing");
                } else {
                    out.append("just ");
                    print(type.element(), maybe.get(), annotate, out);
                }
            }
            case ARRAY -> printArray(type, value, annotate, out);
            case TUPLE -> {
                List<?> members = (List<?>) value;
                out.append('(');
                for (int i = 0; i < members.size(); i++) {
                    if (i > 0) {
                        out.append(", ");
                    }
                    print(type.children().get(i), members.get(i), annotate, out);
                }
                out.append(members.size() == 1 ? ",)" : ")");
            }
            case DICT_ENTRY -> {
                DictEntry e = (DictEntry) value;
                out.append('{');
                print(type.children().get(0), e.key(), annotate, out);
                out.append(", ");
                print(type.children().get(1), e.value(), annotate, out);
                out.append('}');
            }
        }
    }

    private static void printArray(GVariantType type, Object value, boolean annotate, StringBuilder out) {
        GVariantType element = type.element();
        if (value instanceof byte[] bytes) {
            if (isBytestring(bytes)) {
                out.append('b');
                quote(new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8), out);
                return;
            }
            if (bytes.length == 0) {
                out.append(annotate ? "@ay " : "").append("[]");
                return;
            }
            out.append('[');
            for (int i = 0; i < bytes.length; i++) {
                out.append(i == 0 ? (annotate ? "byte " : "") : ", ").append(String.format("0x%02x", bytes[i] & 0xFF));
            }
            out.append(']');
            return;
        }
        List<?> items = (List<?>) value;
        if (items.isEmpty()) {
            out.append(annotate ? "@" + type + " " : "").append(element.kind() == GVariantType.Kind.DICT_ENTRY ? "{}" : "[]");
            return;
        }
        if (element.kind() == GVariantType.Kind.DICT_ENTRY) {
            out.append('{');
            for (int i = 0; i < items.size(); i++) {
                DictEntry e = (DictEntry) items.get(i);
                if (i > 0) {
                    out.append(", ");
                }
                print(element.children().get(0), e.key(), annotate && i == 0, out);
                out.append(": ");
                print(element.children().get(1), e.value(), annotate && i == 0, out);
            }
            out.append('}');
            return;
        }
        out.append('[');
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            print(element, items.get(i), annotate && i == 0, out);
        }
        out.append(']');
    }

    private static boolean isBytestring(byte[] bytes) {
        if (bytes.length == 0 || bytes[bytes.length - 1] != 0) {
            return false;
        }
        for (int i = 0; i < bytes.length - 1; i++) {
            if (bytes[i] == 0) {
                return false;
            }
        }
        return true;
    }

    private static void quote(String s, StringBuilder out) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        out.append(q);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                case '\f' -> out.append("\\f");
                case '\b' -> out.append("\\b");
                case 0x0B -> out.append("\\v");
                case 0x07 -> out.append("\\a");
                default -> {
                    if (c == q) {
                        out.append('\\').append(c);
                    } else if (c < 0x20 || c == 0x7F) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append(q);
    }
}
