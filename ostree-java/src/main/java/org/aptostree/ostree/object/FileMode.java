package org.aptostree.ostree.object;

/** The {@code st_mode} bits OSTree stores, and the checks libostree applies to them. */
public final class FileMode {
    public static final int S_IFMT = 0170000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFLNK = 0120000;
    /** Permission bits including setuid, setgid and sticky. */
    public static final int PERMISSIONS = 07777;

    private FileMode() {
    }

    public static boolean isDirectory(int mode) {
        return (mode & S_IFMT) == S_IFDIR;
    }

    public static boolean isRegular(int mode) {
        return (mode & S_IFMT) == S_IFREG;
    }

    public static boolean isSymlink(int mode) {
        return (mode & S_IFMT) == S_IFLNK;
    }
}
