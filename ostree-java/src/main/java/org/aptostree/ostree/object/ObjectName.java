package org.aptostree.ostree.object;

/** An object's checksum together with its type, printed as libostree does: {@code <checksum>.<type>}. */
public record ObjectName(ObjectId id, ObjectType type) {
    // Written out: a record's generated equals and hashCode link through method handles on first use, which
    // costs a short command (a deploy's prune) ~25 ms of generated classes.
    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectName other && id.equals(other.id) && type == other.type;
    }

    @Override
    public int hashCode() {
        return id.hashCode() * 31 + type.ordinal();
    }

    @Override
    public String toString() {
        return id.hex() + "." + type.extension();
    }
}
