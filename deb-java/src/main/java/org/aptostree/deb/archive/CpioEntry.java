package org.aptostree.deb.archive;

import org.aptostree.deb.compression.Compression;

/**
 * The header of one entry of a cpio archive in the "new" ASCII format ({@code 070701}, newc) or its checksummed
 * variant ({@code 070702}, crc): the two formats the kernel unpacks an initramfs from.
 *
 * @param name        the path as stored, unnormalised ({@code .}, {@code usr/bin/x} or {@code ./usr/bin/x})
 * @param inode       inode number; with the device numbers it tells hard links apart (only the last link of a
 *                    set carries the data, the others have size 0)
 * @param mode        file type and permission bits ({@code st_mode})
 * @param uid         owner id
 * @param gid         group id
 * @param nlink       number of links
 * @param mtime       modification time in seconds
 * @param size        data size in bytes (for a symbolic link, the length of its target, which is the data)
 * @param devMajor    major number of the device the file was archived from
 * @param devMinor    minor number of the device the file was archived from
 * @param rdevMajor   major number of a device special file
 * @param rdevMinor   minor number of a device special file
 * @param checksum    the crc format's sum of the data bytes, 0 in the newc format
 * @param compression the compression of the part of the input holding the entry ({@link Compression#NONE} for an
 *                    uncompressed part, as the early microcode archive of an initramfs)
 * @param offset      byte offset of the header: in the input for an uncompressed part, in the decompressed data of
 *                    a compressed part
 */
public record CpioEntry(String name, long inode, int mode, long uid, long gid, long nlink, long mtime, long size,
        long devMajor, long devMinor, long rdevMajor, long rdevMinor, long checksum, Compression compression, long offset) {

    private static final int TYPE_MASK = 0170000;

    public boolean isDirectory() {
        return (mode & TYPE_MASK) == 0040000;
    }

    public boolean isRegularFile() {
        return (mode & TYPE_MASK) == 0100000;
    }

    public boolean isSymbolicLink() {
        return (mode & TYPE_MASK) == 0120000;
    }

    /** The permission bits, with set-id and sticky bits. */
    public int permissions() {
        return mode & 07777;
    }
}
