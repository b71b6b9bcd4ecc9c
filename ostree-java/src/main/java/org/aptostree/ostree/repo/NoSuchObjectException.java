package org.aptostree.ostree.repo;

import java.io.IOException;

import org.aptostree.ostree.object.ObjectName;

/** A requested object is not in the repository. */
public final class NoSuchObjectException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient ObjectName object;

    public NoSuchObjectException(ObjectName object) {
        super(message(object));
        this.object = object;
    }

    /** libostree's wording, which the CLI prints. */
    private static String message(ObjectName object) {
        return object.type() == org.aptostree.ostree.object.ObjectType.FILE
                ? "Couldn't find file object '" + object.id() + "'"
                : "No such metadata object " + object;
    }

    public ObjectName object() {
        return object;
    }
}
