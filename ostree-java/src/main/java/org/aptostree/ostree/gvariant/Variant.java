package org.aptostree.ostree.gvariant;

import java.util.Objects;

/** A value of GVariant type {@code v}: a value together with its own type. */
public record Variant(GVariantType type, Object value) {
    public Variant {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
    }

    public static Variant of(String signature, Object value) {
        return new Variant(GVariantType.of(signature), value);
    }

    public static Variant ofString(String s) {
        return of("s", s);
    }

    public static Variant ofBoolean(boolean b) {
        return of("b", b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Variant v && v.type.equals(type) && GVariantCodec.valueEquals(value, v.value);
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public String toString() {
        return GVariantText.format(type, value);
    }
}
