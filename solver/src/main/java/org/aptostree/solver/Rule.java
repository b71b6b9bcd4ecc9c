package org.aptostree.solver;

/**
 * One hard constraint of the encoding, kept with where it comes from so that an unsatisfiable core can be
 * told back to the user in terms of packages and fields.
 *
 * @param clause   DIMACS literals over the encoding's variables
 * @param subject  the package whose field or state gives the rule, or -1 for requests
 * @param field    the control field ("Depends", "Conflicts", …) or null
 * @param source   what the rule was written from: a {@code Dependency}, a {@code Relation} or a request target,
 *                 turned into text only when an explanation needs it (most rules never are)
 * @param matches  the packages that match the relation (satisfiers or conflicting packages)
 */
record Rule(Kind kind, int[] clause, int subject, String field, Object source, int[] matches) {

    /** The relation or target as text, in dpkg's canonical form. */
    String relation() {
        return String.valueOf(source);
    }

    enum Kind {
        REQUEST_INSTALL, REQUEST_REMOVE, HELD, ESSENTIAL, KEEP_INSTALLED, DEPENDS, CONFLICTS, ONE_VERSION, NOT_CANDIDATE
    }
}
