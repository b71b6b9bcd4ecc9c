package org.aptostree.ostree.repo;

import java.io.IOException;

import org.aptostree.ostree.object.ObjectName;

/** A requested object is not in the repository. */
public final class NoSuchObjectException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient ObjectName object;

    public NoSuchObjectException(ObjectName object) {
        super("No such object " + object);
        this.object = object;
    }

    public ObjectName object() {
        return object;
    }
}
