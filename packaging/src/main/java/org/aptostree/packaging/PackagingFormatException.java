package org.aptostree.packaging;

/** A source of the package's files (the documented configuration file) that does not follow its format. */
public final class PackagingFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    PackagingFormatException(String message) {
        super(message);
    }
}
