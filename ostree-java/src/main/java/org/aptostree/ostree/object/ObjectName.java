package org.aptostree.ostree.object;

/** An object's checksum together with its type, printed as libostree does: {@code <checksum>.<type>}. */
public record ObjectName(ObjectId id, ObjectType type) {
    @Override
    public String toString() {
        return id.hex() + "." + type.extension();
    }
}
