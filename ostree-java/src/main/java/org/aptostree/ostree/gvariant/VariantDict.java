package org.aptostree.ostree.gvariant;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.aptostree.ostree.OstreeFormatException;

/**
 * An {@code a{sv}} dictionary as OSTree uses for commit, detached and summary metadata. Entries keep their
 * serialised order, because the checksum of a commit covers the bytes.
 */
public final class VariantDict {
    public static final GVariantType TYPE = GVariantType.of("a{sv}");
    private static final VariantDict EMPTY = new VariantDict(List.of());

    private final List<DictEntry> entries;

    private VariantDict(List<DictEntry> entries) {
        this.entries = entries;
    }

    public static VariantDict empty() {
        return EMPTY;
    }

    /** From a decoded {@code a{sv}} value. */
    @SuppressWarnings("unchecked")
    public static VariantDict fromValue(Object value) {
        return new VariantDict(List.copyOf((List<DictEntry>) value));
    }

    public static VariantDict of(Map<String, Variant> map) {
        List<DictEntry> list = new ArrayList<>();
        map.forEach((k, v) -> list.add(new DictEntry(k, v)));
        return new VariantDict(List.copyOf(list));
    }

    public static VariantDict decode(byte[] data) throws OstreeFormatException {
        return fromValue(GVariantCodec.decode(TYPE, data));
    }

    public byte[] encode() {
        return GVariantCodec.encode(TYPE, entries);
    }

    /** The value for {@link GVariantCodec}. */
    public List<DictEntry> toValue() {
        return entries;
    }

    public Optional<Variant> get(String key) {
        for (DictEntry e : entries) {
            if (e.key().equals(key)) {
                return Optional.of((Variant) e.value());
            }
        }
        return Optional.empty();
    }

    /** The string value of a key whose value has type {@code s}. */
    public Optional<String> getString(String key) {
        return get(key).filter(v -> v.type().signature().equals("s")).map(v -> (String) v.value());
    }

    /** A copy with {@code key} set, replacing an earlier value in place or appending. */
    public VariantDict with(String key, Variant value) {
        List<DictEntry> list = new ArrayList<>(entries);
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).key().equals(key)) {
                list.set(i, new DictEntry(key, value));
                return new VariantDict(List.copyOf(list));
            }
        }
        list.add(new DictEntry(key, value));
        return new VariantDict(List.copyOf(list));
    }

    /**
     * This dictionary as a round trip through a GVariantDict leaves it: entries in GHashTable order. libostree's
     * {@code ostree commit} passes metadata through GVariantDict once per key group it adds.
     */
    public VariantDict inGVariantDictOrder() {
        List<String> keys = new ArrayList<>();
        for (DictEntry e : entries) {
            keys.add((String) e.key());
        }
        Map<String, Variant> map = asMap();
        List<DictEntry> out = new ArrayList<>();
        for (String k : GHashTableOrder.order(keys)) {
            out.add(new DictEntry(k, map.get(k)));
        }
        return new VariantDict(List.copyOf(out));
    }

    public VariantDict without(String key) {
        List<DictEntry> list = new ArrayList<>(entries);
        list.removeIf(e -> e.key().equals(key));
        return new VariantDict(List.copyOf(list));
    }

    public Map<String, Variant> asMap() {
        Map<String, Variant> map = new LinkedHashMap<>();
        for (DictEntry e : entries) {
            map.putIfAbsent((String) e.key(), (Variant) e.value());
        }
        return Collections.unmodifiableMap(map);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int size() {
        return entries.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VariantDict d && d.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return GVariantText.format(TYPE, entries);
    }
}
