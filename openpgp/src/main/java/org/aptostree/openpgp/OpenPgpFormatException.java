package org.aptostree.openpgp;

import java.io.IOException;

/** Data that is not the OpenPGP it should be: a keyring that holds no usable certificate, malformed signature packets. */
public final class OpenPgpFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public OpenPgpFormatException(String message) {
        super(message);
    }

    public OpenPgpFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
