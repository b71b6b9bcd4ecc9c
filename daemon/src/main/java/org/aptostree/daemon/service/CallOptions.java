package org.aptostree.daemon.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.aptostree.daemon.dbus.BusException;
import org.aptostree.daemon.dbus.Values;
import org.freedesktop.dbus.types.Variant;

/**
 * An {@code a{sv}} argument checked against the keys a method takes and their types: an unknown key or a value of
 * another type is refused, naming the method, the argument and the key.
 */
final class CallOptions {
    private final String method;
    private final String argument;
    private final Map<String, Variant<?>> values;

    private CallOptions(String method, String argument, Map<String, Variant<?>> values) {
        this.method = method;
        this.argument = argument;
        this.values = values;
    }

    /**
     * @param allowed the keys and their D-Bus types
     */
    static CallOptions check(String method, String argument, Object given, Map<String, String> allowed) throws BusException {
        Map<String, Variant<?>> values = new TreeMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) given).entrySet()) {
            String key = String.valueOf(e.getKey());
            Variant<?> v = (Variant<?>) e.getValue();
            String type = allowed.get(key);
            if (type == null) {
                throw OsRequests.invalid(method + ": argument '" + argument + "': unknown key '" + key + "'"
                        + (allowed.isEmpty() ? " (it takes none)" : " (known: " + String.join(", ", new TreeMap<>(allowed).keySet()) + ")"));
            }
            if (!type.equals(v.getSig())) {
                throw OsRequests.invalid(method + ": argument '" + argument + "': '" + key + "' must be of type " + type + ", not " + v.getSig());
            }
            values.put(key, v);
        }
        return new CallOptions(method, argument, values);
    }

    boolean flag(String key) {
        Variant<?> v = values.get(key);
        return v != null && Boolean.TRUE.equals(v.getValue());
    }

    Optional<String> string(String key) {
        return Optional.ofNullable(values.get(key)).map(v -> (String) v.getValue());
    }

    /** A string that, when given, may not be empty. */
    Optional<String> nonEmptyString(String key) throws BusException {
        Optional<String> s = string(key);
        if (s.isPresent() && s.get().isBlank()) {
            throw OsRequests.invalid(method + ": argument '" + argument + "': '" + key + "' is empty");
        }
        return s;
    }

    List<String> strings(String key) {
        Variant<?> v = values.get(key);
        return v == null ? List.of() : Values.strings(v.getValue());
    }

    List<byte[]> blobs(String key) {
        Variant<?> v = values.get(key);
        List<byte[]> out = new ArrayList<>();
        if (v != null) {
            for (Object o : Values.list(v.getValue())) {
                out.add(Values.bytes(o));
            }
        }
        return out;
    }

    Optional<Integer> integer(String key) {
        return Optional.ofNullable(values.get(key)).map(v -> ((Number) v.getValue()).intValue());
    }

    boolean has(String key) {
        return values.containsKey(key);
    }
}
