package org.aptostree.deb.control;

import java.util.List;
import java.util.Objects;

import org.aptostree.deb.version.Version;

/**
 * One package reference in a relation field: {@code name[:arch] [(op version)] [[archs]] [<profiles>...]}.
 *
 * <p>The architecture qualifier is what was written ({@code "any"}, {@code "native"}, {@code "amd64"}),
 * or null when none was; dpkg's implicit default (the depending package's own architecture for
 * Depends-like fields and Provides, any architecture for Conflicts, Breaks and Replaces) is given by
 * {@link RelationField#implicitAnyArchitecture()}.
 *
 * @param name                     package name (dpkg's rules: alphanumeric first, then {@code [A-Za-z0-9+.-_]})
 * @param architecture             architecture qualifier, or null
 * @param operator                 version operator, or null when unversioned
 * @param version                  version bound, null exactly when {@code operator} is null
 * @param architectureRestrictions source-only {@code [amd64 !i386]} list as written (with {@code !}), else empty
 * @param profileRestrictions      source-only build profile formula: a disjunction of conjunctions,
 *                                 each term as written (e.g. {@code [[nocheck], [!stage1, cross]]}), else empty
 */
public record Relation(String name, String architecture, RelationOperator operator, Version version,
                       List<String> architectureRestrictions, List<List<String>> profileRestrictions) {

    /** Checks that operator and version are both present or both absent; copies the lists. */
    public Relation {
        Objects.requireNonNull(name, "name");
        if ((operator == null) != (version == null)) {
            throw new IllegalArgumentException("operator and version must both be present or both absent");
        }
        // Almost every relation has no restrictions; skip the copies then (hot in Packages parsing).
        architectureRestrictions = architectureRestrictions.isEmpty() ? List.of() : List.copyOf(architectureRestrictions);
        if (profileRestrictions.isEmpty()) {
            profileRestrictions = List.of();
        } else {
            List<List<String>> copy = new java.util.ArrayList<>(profileRestrictions.size());
            for (List<String> term : profileRestrictions) {
                copy.add(List.copyOf(term));
            }
            profileRestrictions = List.copyOf(copy);
        }
    }

    /** An unversioned, unqualified reference. */
    public static Relation of(String name) {
        return new Relation(name, null, null, null, List.of(), List.of());
    }

    /** A versioned, unqualified reference. */
    public static Relation of(String name, RelationOperator operator, Version version) {
        return new Relation(name, null, operator, version, List.of(), List.of());
    }

    /** True when this reference carries a version constraint. */
    public boolean isVersioned() {
        return operator != null;
    }

    /** True when {@code candidate} satisfies the version constraint (always true when unversioned). */
    public boolean allows(Version candidate) {
        return operator == null || operator.test(candidate, version);
    }

    /** The reference in dpkg's canonical form, e.g. {@code libc6:any (>= 2.36)}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(name);
        if (architecture != null) {
            b.append(':').append(architecture);
        }
        if (operator != null) {
            b.append(" (").append(operator.symbol()).append(' ').append(version).append(')');
        }
        if (!architectureRestrictions.isEmpty()) {
            b.append(" [").append(String.join(" ", architectureRestrictions)).append(']');
        }
        for (List<String> term : profileRestrictions) {
            b.append(" <").append(String.join(" ", term)).append('>');
        }
        return b.toString();
    }
}
