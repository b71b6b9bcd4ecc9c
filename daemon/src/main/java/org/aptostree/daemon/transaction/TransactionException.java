package org.aptostree.daemon.transaction;

/**
 * A transaction's typed failure: its kind, which the daemon turns into the D-Bus error
 * {@code org.aptostree.dev.Error.<Kind>}, and one clear line for people, the same through the daemon and the CLI.
 * A failed transaction has changed nothing.
 */
public final class TransactionException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The kinds of failure, named as the D-Bus errors are. */
    public enum Kind {
        INVALID_ARGUMENT("InvalidArgument"), NOT_OSTREE_SYSTEM("NotOstreeSystem"), PACKAGE_NOT_FOUND("PackageNotFound"),
        UNSATISFIABLE("Unsatisfiable"), CONFLICT("Conflict"), NETWORK("Network"), CANCELLED("Cancelled"), FAILED("Failed");

        private final String dbusName;

        Kind(String dbusName) {
            this.dbusName = dbusName;
        }

        /** The last part of the D-Bus error name. */
        public String dbusName() {
            return dbusName;
        }
    }

    private final Kind kind;
    private final String details;

    public TransactionException(Kind kind, String message) {
        this(kind, message, "", null);
    }

    public TransactionException(Kind kind, String message, Throwable cause) {
        this(kind, message, "", cause);
    }

    /** With {@code details}: what a script printed, say, shown after the message. */
    public TransactionException(Kind kind, String message, String details, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.details = details == null ? "" : details;
    }

    public Kind kind() {
        return kind;
    }

    /** Further output that explains the failure (may be empty). */
    public String details() {
        return details;
    }
}
