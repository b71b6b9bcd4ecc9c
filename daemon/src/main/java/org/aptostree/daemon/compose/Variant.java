package org.aptostree.daemon.compose;

import java.util.Locale;
import java.util.Optional;

import org.aptostree.deb.index.PackageRecord;

/**
 * The base package set of a compose, as mmdebstrap defines its variants: {@code essential} is every
 * {@code Essential: yes} package; {@code minbase} adds {@code Priority: required} and apt; {@code important}
 * adds {@code Priority: important} as well; {@code none} takes only the treefile's packages. Dependencies
 * are added by the solver in every case.
 */
public enum Variant {
    NONE, ESSENTIAL, MINBASE, IMPORTANT;

    public static Optional<Variant> parse(String name) {
        for (Variant v : values()) {
            if (v.name().equalsIgnoreCase(name)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** True when the variant selects this package (of the target architecture or {@code all}) by itself. */
    public boolean selects(PackageRecord p) {
        if (this == NONE) {
            return false;
        }
        if (p.essential()) {
            return true;
        }
        String priority = p.priority() == null ? "" : p.priority();
        return switch (this) {
            case MINBASE -> priority.equals("required") || p.name().equals("apt");
            case IMPORTANT -> priority.equals("required") || priority.equals("important") || p.name().equals("apt");
            default -> false;
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
