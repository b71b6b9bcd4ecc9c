package org.aptostree.ostree.gvariant;

import java.util.List;
import java.util.Optional;

/** Prints values in GVariant text format, as GLib 2.74's {@code g_variant_print} does (used by ostree show, ls -X and summary --view). */
public final class GVariantText {

    private GVariantText() {
    }

    public static String format(GVariantType type, Object value) {
        StringBuilder out = new StringBuilder();
        print(type, value, true, out);
        return out.toString();
    }

    /** As {@code g_variant_print(value, FALSE)}: no type annotations. */
    public static String formatUnannotated(GVariantType type, Object value) {
        StringBuilder out = new StringBuilder();
        print(type, value, false, out);
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
            case DOUBLE -> out.append(formatDouble((Double) value));
            case STRING -> quote((String) value, out);
            case OBJECT_PATH -> out.append(annotate ? "objectpath " : "").append('\'').append(value).append('\'');
            case SIGNATURE -> out.append(annotate ? "signature " : "").append('\'').append(value).append('\'');
            case VARIANT -> {
                Variant v = (Variant) value;
                out.append('<');
                print(v.type(), v.value(), true, out);
                out.append('>');
            }
            case MAYBE -> {
                if (annotate) {
                    out.append('@').append(type).append(' ');
                }
                // As GLib: nested maybes print "just" only where needed to tell a nested nothing apart.
                Object inner = value;
                GVariantType innerType = type;
                int depth = 0;
                while (innerType.kind() == GVariantType.Kind.MAYBE && inner instanceof Optional<?> maybe && maybe.isPresent()) {
                    inner = maybe.get();
                    innerType = innerType.element();
                    depth++;
                }
                if (innerType.kind() == GVariantType.Kind.MAYBE) {
                    out.append("just ".repeat(depth)).append("nothing");
                } else {
                    print(innerType, inner, false, out);
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
                quoteBytestring(bytes, out);
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

    /** As GLib: a string with a ' is put in double quotes; characters that are not printable are escaped. */
    private static void quote(String s, StringBuilder out) {
        char q = s.indexOf('\'') >= 0 ? '"' : '\'';
        out.append(q);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c == q || c == '\\') {
                out.append('\\');
            }
            if (isPrintable(c)) {
                out.appendCodePoint(c);
                continue;
            }
            out.append('\\');
            switch (c) {
                case 0x07 -> out.append('a');
                case '\b' -> out.append('b');
                case '\f' -> out.append('f');
                case '\n' -> out.append('n');
                case '\r' -> out.append('r');
                case '\t' -> out.append('t');
                case 0x0B -> out.append('v');
                default -> out.append(c < 0x10000 ? String.format("u%04x", c) : String.format("U%08x", c));
            }
        }
        out.append(q);
    }

    /** g_unichar_isprint: neither a control, format, unassigned nor surrogate code point. */
    private static boolean isPrintable(int c) {
        int t = Character.getType(c);
        return t != Character.CONTROL && t != Character.FORMAT && t != Character.UNASSIGNED && t != Character.SURROGATE;
    }

    /** A bytestring as GLib prints it: b'…' (b"…" when it holds a '), its bytes escaped by g_strescape. */
    private static void quoteBytestring(byte[] bytes, StringBuilder out) {
        boolean apostrophe = false;
        for (int i = 0; i < bytes.length - 1; i++) {
            apostrophe |= bytes[i] == '\'';
        }
        char q = apostrophe ? '"' : '\'';
        out.append('b').append(q);
        for (int i = 0; i < bytes.length - 1; i++) {
            int b = bytes[i] & 0xFF;
            switch (b) {
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 0x0B -> out.append("\\v");
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                default -> {
                    if (b < ' ' || b >= 0177) {
                        out.append('\\').append((char) ('0' + (b >> 6))).append((char) ('0' + (b >> 3 & 7))).append((char) ('0' + (b & 7)));
                    } else {
                        out.append((char) b);
                    }
                }
            }
        }
        out.append(q);
    }

    /**
     * A double as GLib prints it: C's {@code %.17g} (g_ascii_dtostr), then ".0" added when the result has no '.',
     * exponent, "nan" or "inf" (whose 'n' counts).
     */
    static String formatDouble(double d) {
        String s;
        if (Double.isNaN(d)) {
            s = Double.doubleToRawLongBits(d) < 0 ? "-nan" : "nan";
        } else if (Double.isInfinite(d)) {
            s = d > 0 ? "inf" : "-inf";
        } else if (d == 0) {
            s = (1 / d < 0) ? "-0" : "0";
        } else {
            java.math.BigDecimal v = new java.math.BigDecimal(d).round(new java.math.MathContext(17, java.math.RoundingMode.HALF_EVEN));
            int exponent = v.precision() - v.scale() - 1;
            if (exponent < -4 || exponent >= 17) {
                String digits = v.unscaledValue().abs().toString();
                String mantissa = stripZeros(digits.charAt(0) + "." + digits.substring(1));
                s = (v.signum() < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                        + String.format("%02d", Math.abs(exponent));
            } else {
                s = stripZeros(v.setScale(Math.max(0, 16 - exponent), java.math.RoundingMode.HALF_EVEN).toPlainString());
            }
        }
        for (char c : s.toCharArray()) {
            if (c == '.' || c == 'e' || c == 'n' || c == 'N') {
                return s;
            }
        }
        return s + ".0";
    }

    private static String stripZeros(String s) {
        if (s.indexOf('.') < 0) {
            return s;
        }
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        return s.substring(0, end);
    }
}
