package org.aptostree.ostree.gvariant;

import java.util.Objects;

/** One entry of a GVariant dictionary ({@code {kv}}). */
public record DictEntry(Object key, Object value) {
    public DictEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DictEntry e && GVariantCodec.valueEquals(key, e.key) && GVariantCodec.valueEquals(value, e.value);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }
}
