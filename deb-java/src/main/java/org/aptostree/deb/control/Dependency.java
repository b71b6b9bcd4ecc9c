package org.aptostree.deb.control;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One comma-separated element of a relation field: alternatives joined by {@code |}, any one of
 * which satisfies it. Fields that forbid alternatives (Conflicts, Breaks, Replaces, Provides) always
 * yield single-alternative dependencies.
 *
 * @param alternatives the alternatives in order of preference, never empty
 */
public record Dependency(List<Relation> alternatives) {

    /** Copies the list; it must not be empty. */
    public Dependency {
        alternatives = List.copyOf(alternatives);
        if (alternatives.isEmpty()) {
            throw new IllegalArgumentException("a dependency needs at least one alternative");
        }
    }

    /** A dependency with the given alternatives. */
    public static Dependency of(Relation... alternatives) {
        return new Dependency(List.of(alternatives));
    }

    /** The first (preferred) alternative. */
    public Relation first() {
        return alternatives.get(0);
    }

    /** Alternatives joined with {@code " | "} in dpkg's canonical form. */
    @Override
    public String toString() {
        return alternatives.stream().map(Relation::toString).collect(Collectors.joining(" | "));
    }

    /** A relation field value in canonical form: dependencies joined with {@code ", "}. */
    public static String format(List<Dependency> dependencies) {
        return dependencies.stream().map(Dependency::toString).collect(Collectors.joining(", "));
    }
}
