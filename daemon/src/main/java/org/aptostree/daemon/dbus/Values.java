package org.aptostree.daemon.dbus;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.freedesktop.dbus.types.Variant;

/**
 * Between plain Java values and what dbus-java marshals: arrays arrive as lists, arrays of arrays or primitive
 * arrays depending on the element type, and {@code t} and {@code u} need dbus-java's unsigned types on the way out.
 */
public final class Values {
    private Values() {
    }

    /** An array received in any of dbus-java's forms, as a list. */
    public static List<Object> list(Object array) {
        if (array instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        if (array != null && array.getClass().isArray()) {
            int n = Array.getLength(array);
            List<Object> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(Array.get(array, i));
            }
            return out;
        }
        throw new IllegalArgumentException("not an array: " + (array == null ? "null" : array.getClass().getName()));
    }

    /** An {@code ay} received in any of dbus-java's forms. */
    public static byte[] bytes(Object array) {
        if (array instanceof byte[] b) {
            return b;
        }
        List<Object> l = list(array);
        byte[] out = new byte[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) l.get(i)).byteValue();
        }
        return out;
    }

    /** The strings of an {@code as}. */
    public static List<String> strings(Object array) {
        List<String> out = new ArrayList<>();
        for (Object o : list(array)) {
            out.add(String.valueOf(o));
        }
        return out;
    }

    /** A value for a variant of D-Bus type {@code type}, with unsigned numbers in dbus-java's classes. */
    public static Variant<?> variant(Object value, String type) {
        return new Variant<>(marshallable(value, type), type);
    }

    /** {@code value} in the form dbus-java marshals as {@code type}. */
    public static Object marshallable(Object value, String type) {
        switch (type.charAt(0)) {
            case 't':
                return value instanceof UInt64 u ? u : new UInt64(((Number) value).longValue());
            case 'u':
                return value instanceof UInt32 u ? u : new UInt32(((Number) value).longValue());
            case 'a':
                if (type.startsWith("a{")) {
                    String valueType = type.substring(3, type.length() - 1);
                    Map<Object, Object> m = new LinkedHashMap<>();
                    for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                        m.put(e.getKey(), marshallable(e.getValue(), valueType));
                    }
                    return m;
                }
                if (type.equals("ay") && value instanceof byte[]) {
                    return value;
                }
                String element = type.substring(1);
                List<Object> l = new ArrayList<>();
                for (Object o : list(value)) {
                    l.add(marshallable(o, element));
                }
                return l;
            case '(':
                List<String> fields = Signature.split(type.substring(1, type.length() - 1));
                List<Object> given = list(value);
                Object[] out = new Object[fields.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = marshallable(given.get(i), fields.get(i));
                }
                return out;
            case 'v':
                return value instanceof Variant<?> ? value : inferredVariant(value);
            default:
                return value;
        }
    }

    /**
     * A variant for a JSON-like value: strings {@code s}, booleans {@code b}, integers {@code i}, longs {@code t},
     * lists of strings {@code as}, lists of maps {@code aa{sv}}, maps {@code a{sv}}.
     */
    public static Variant<?> inferredVariant(Object value) {
        return variant(value, inferredType(value));
    }

    /** A map of JSON-like values as an {@code a{sv}}, leaving out nulls. */
    public static Map<String, Variant<?>> variantMap(Map<String, ?> map) {
        Map<String, Variant<?>> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (v != null) {
                out.put(k, inferredVariant(v));
            }
        });
        return out;
    }

    private static String inferredType(Object value) {
        if (value instanceof String) {
            return "s";
        } else if (value instanceof Boolean) {
            return "b";
        } else if (value instanceof Integer) {
            return "i";
        } else if (value instanceof Long) {
            return "t";
        } else if (value instanceof Map<?, ?>) {
            return "a{sv}";
        } else if (value instanceof List<?> l) {
            return l.stream().allMatch(e -> e instanceof Map<?, ?>) && !l.isEmpty() ? "aa{sv}" : "as";
        } else if (value instanceof Variant<?> v) {
            return v.getSig();
        }
        throw new IllegalArgumentException("no D-Bus type for " + value.getClass().getName());
    }

    /** The plain value of a received variant (lists for arrays, bytes as {@code byte[]} for {@code ay}). */
    public static Object plain(Variant<?> v) {
        return v.getSig().equals("ay") ? bytes(v.getValue()) : v.getValue();
    }
}
