package org.aptostree.ostree.sysroot;

import java.io.IOException;

/** The target is not an OSTree-managed system: the system verbs cannot work on it. */
public final class NotOstreeSystemException extends IOException {
    private static final long serialVersionUID = 1L;

    public NotOstreeSystemException(String message) {
        super(message);
    }
}
