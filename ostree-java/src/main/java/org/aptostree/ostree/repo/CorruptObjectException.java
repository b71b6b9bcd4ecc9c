package org.aptostree.ostree.repo;

import java.io.IOException;

import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectName;

/** An object's data does not hash to its name. */
public final class CorruptObjectException extends IOException {
    private static final long serialVersionUID = 1L;

    public CorruptObjectException(ObjectName object, ObjectId actual) {
        super("Corrupted object " + object + ": checksum expected='" + object.id() + "' actual='" + actual + "'");
    }

    public CorruptObjectException(ObjectName object, String detail) {
        super("Corrupted object " + object + ": " + detail);
    }
}
