package org.aptostree.deb.archive;

/**
 * The header of one ar archive member, as dpkg reads it.
 *
 * @param name   member name, trailing spaces and one trailing {@code /} removed (dpkg_ar_normalize_name)
 * @param mtime  modification time in seconds (0 when the field is not a number; dpkg ignores it)
 * @param uid    owner id (0 when not a number)
 * @param gid    group id (0 when not a number)
 * @param mode   file mode, octal in the header (0 when not a number)
 * @param size   data size in bytes (without the padding byte of odd sizes)
 * @param offset byte offset of the member header in the archive
 */
public record ArMember(String name, long mtime, long uid, long gid, int mode, long size, long offset) {
}
