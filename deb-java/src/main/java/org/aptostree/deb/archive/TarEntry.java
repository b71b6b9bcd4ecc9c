package org.aptostree.deb.archive;

import java.util.Objects;

/**
 * One tar entry as read from a control.tar or data.tar member, after GNU long-name and pax
 * extended headers have been applied.
 *
 * @param name       path as stored (e.g. {@code ./usr/bin/dpkg}, directories usually end in {@code /})
 * @param type       entry type
 * @param mode       permission bits including set-uid, set-gid and sticky (mode & 07777)
 * @param uid        numeric owner
 * @param gid        numeric group
 * @param userName   owner name from the header, {@code ""} when absent
 * @param groupName  group name from the header, {@code ""} when absent
 * @param size       size of the data that follows (0 for everything but regular files)
 * @param mtime      modification time, seconds since the epoch
 * @param linkTarget target of a symlink or hard link, null for other types
 * @param deviceMajor major device number of device nodes, else 0
 * @param deviceMinor minor device number of device nodes, else 0
 * @param extended   true when a pax extended header applied to this entry (dpkg's unpacker refuses those)
 */
public record TarEntry(String name, Type type, int mode, long uid, long gid, String userName, String groupName,
                       long size, long mtime, String linkTarget, long deviceMajor, long deviceMinor,
                       boolean extended) {

    /** Entry types dpkg knows (lib/dpkg/tarfn.h). */
    public enum Type {
        FILE('-'), HARD_LINK('h'), SYMLINK('l'), CHAR_DEVICE('c'), BLOCK_DEVICE('b'), DIRECTORY('d'), FIFO('p');

        private final char listingChar;

        Type(char listingChar) {
            this.listingChar = listingChar;
        }

        /** The first character of {@code tar -tv}'s mode column. */
        public char listingChar() {
            return listingChar;
        }
    }

    /** Null checks; a link target is required exactly for links. */
    public TarEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(groupName, "groupName");
        if ((type == Type.SYMLINK || type == Type.HARD_LINK) != (linkTarget != null)) {
            throw new IllegalArgumentException("link target must be present exactly for links: " + name);
        }
    }

    /** The {@code drwxr-xr-x}-style mode string of {@code tar -tv} (GNU tar's decode_mode). */
    public String modeString() {
        char[] m = new char[10];
        m[0] = type.listingChar();
        m[1] = (mode & 0400) != 0 ? 'r' : '-';
        m[2] = (mode & 0200) != 0 ? 'w' : '-';
        m[3] = (mode & 04000) != 0 ? ((mode & 0100) != 0 ? 's' : 'S') : ((mode & 0100) != 0 ? 'x' : '-');
        m[4] = (mode & 040) != 0 ? 'r' : '-';
        m[5] = (mode & 020) != 0 ? 'w' : '-';
        m[6] = (mode & 02000) != 0 ? ((mode & 010) != 0 ? 's' : 'S') : ((mode & 010) != 0 ? 'x' : '-');
        m[7] = (mode & 04) != 0 ? 'r' : '-';
        m[8] = (mode & 02) != 0 ? 'w' : '-';
        m[9] = (mode & 01000) != 0 ? ((mode & 01) != 0 ? 't' : 'T') : ((mode & 01) != 0 ? 'x' : '-');
        return new String(m);
    }
}
