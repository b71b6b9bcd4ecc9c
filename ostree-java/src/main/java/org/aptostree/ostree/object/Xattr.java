package org.aptostree.ostree.object;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.gvariant.Variant;

/**
 * One extended attribute, as OSTree stores it in {@code a(ayay)}: the name with a trailing NUL, the raw value.
 * Objects keep xattrs in the order their source gave: libostree sorts those it reads from disk ({@link #ORDER}) but
 * takes a tar member's as libarchive lists them, and hashes either as it got them.
 */
public record Xattr(String name, byte[] value) {
    /** The order in which libglnx returns a file's xattrs: strcmp of the name bytes. */
    public static final Comparator<Xattr> ORDER = (a, b) -> Arrays.compareUnsigned(a.nameBytes(), b.nameBytes());

    public Xattr {
        Objects.requireNonNull(name, "name");
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    byte[] nameBytes() {
        return name.getBytes(StandardCharsets.UTF_8);
    }

    /** The xattrs as the {@code a(ayay)} value libostree hands out (what {@code ostree ls -X} prints). */
    public static Variant variant(List<Xattr> xattrs) {
        return Variant.of("a(ayay)", toValue(xattrs));
    }

    static List<Object> toValue(List<Xattr> xattrs) {
        List<Object> list = new ArrayList<>(xattrs.size());
        for (Xattr x : xattrs) {
            byte[] n = x.nameBytes();
            list.add(List.of(Arrays.copyOf(n, n.length + 1), x.value));
        }
        return list;
    }

    static List<Xattr> fromValue(Object value) throws OstreeFormatException {
        List<?> items = (List<?>) value;
        List<Xattr> xattrs = new ArrayList<>(items.size());
        for (Object item : items) {
            List<?> pair = (List<?>) item;
            byte[] name = (byte[]) pair.get(0);
            if (name.length < 2 || name[name.length - 1] != 0) {
                throw new OstreeFormatException("xattr name is not a NUL-terminated non-empty string");
            }
            xattrs.add(new Xattr(new String(name, 0, name.length - 1, StandardCharsets.UTF_8), (byte[]) pair.get(1)));
        }
        return List.copyOf(xattrs);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Xattr x && x.name.equals(name) && Arrays.equals(x.value, value);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return name + "=" + new String(value, StandardCharsets.UTF_8);
    }
}
