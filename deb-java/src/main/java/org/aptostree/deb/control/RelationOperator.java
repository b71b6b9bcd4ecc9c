package org.aptostree.deb.control;

import org.aptostree.deb.version.Version;

/**
 * A version operator in a relation. The legacy {@code <} and {@code >} are read as dpkg reads
 * them: as {@link #LESS_OR_EQUAL} and {@link #GREATER_OR_EQUAL} (not strict!).
 */
public enum RelationOperator {
    /** {@code <<}: strictly earlier. */
    LESS("<<"),
    /** {@code <=} (also legacy {@code <}). */
    LESS_OR_EQUAL("<="),
    /** {@code =}. */
    EQUAL("="),
    /** {@code >=} (also legacy {@code >}). */
    GREATER_OR_EQUAL(">="),
    /** {@code >>}: strictly later. */
    GREATER(">>");

    private final String symbol;

    RelationOperator(String symbol) {
        this.symbol = symbol;
    }

    /** The canonical symbol, e.g. {@code ">="}. */
    public String symbol() {
        return symbol;
    }

    /** True when {@code candidate OP bound} holds with dpkg's version ordering. */
    public boolean test(Version candidate, Version bound) {
        return holdsFor(candidate.compareTo(bound));
    }

    /** True when the operator holds for a comparison result {@code compare(candidate, bound)}. */
    public boolean holdsFor(int comparison) {
        return switch (this) {
            case LESS -> comparison < 0;
            case LESS_OR_EQUAL -> comparison <= 0;
            case EQUAL -> comparison == 0;
            case GREATER_OR_EQUAL -> comparison >= 0;
            case GREATER -> comparison > 0;
        };
    }

    @Override
    public String toString() {
        return symbol;
    }
}
