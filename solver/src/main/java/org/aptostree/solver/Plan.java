package org.aptostree.solver;

import java.util.List;

/**
 * The solver's answer: the changes to the installed set, in a stable order (by name, then architecture),
 * and the resulting installed set.
 */
public record Plan(List<Change> changes, List<PackageVersion> installedAfter) {

    public Plan {
        changes = List.copyOf(changes);
        installedAfter = List.copyOf(installedAfter);
    }

    /** The kind of a change to one {@code name:arch}. */
    public enum Action { INSTALL, UPGRADE, DOWNGRADE, REMOVE }

    /**
     * One change.
     *
     * @param target   the version installed afterwards; for a removal, the removed version
     * @param previous the version installed before, or null for a new package
     * @param reason   why: "requested", "dependency of X", "recommended by X", …
     */
    public record Change(Action action, PackageVersion target, PackageVersion previous, String reason) {
    }
}
