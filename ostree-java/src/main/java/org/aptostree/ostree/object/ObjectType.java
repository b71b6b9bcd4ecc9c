package org.aptostree.ostree.object;

/** The kinds of object in an OSTree repository, with libostree's numbering and loose-file extensions. */
public enum ObjectType {
    FILE(1, "file"),
    DIR_TREE(2, "dirtree"),
    DIR_META(3, "dirmeta"),
    COMMIT(4, "commit"),
    TOMBSTONE_COMMIT(5, "tombstone-commit"),
    COMMIT_META(6, "commitmeta");

    private final int value;
    private final String extension;

    ObjectType(int value, String extension) {
        this.value = value;
        this.extension = extension;
    }

    /** libostree's {@code OstreeObjectType} number. */
    public int value() {
        return value;
    }

    /** Extension of the loose object file ({@code filez} for content in archive repositories is added by the store). */
    public String extension() {
        return extension;
    }

    public boolean isMeta() {
        return this != FILE;
    }

    public static ObjectType fromExtension(String ext) {
        for (ObjectType t : values()) {
            if (t.extension.equals(ext)) {
                return t;
            }
        }
        if (ext.equals("filez")) {
            return FILE;
        }
        throw new IllegalArgumentException("unknown object type '" + ext + "'");
    }

    public static ObjectType fromValue(int value) {
        for (ObjectType t : values()) {
            if (t.value == value) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown object type " + value);
    }
}
