package org.aptostree.ostree.object;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.gvariant.GVariantCodec;
import org.aptostree.ostree.gvariant.GVariantType;

/**
 * The metadata of a content object (a regular file or a symlink): owner, mode, symlink target and xattrs.
 * Its serialisations are the ones libostree hashes and stores: the checksum header {@code (uuuusa(ayay))},
 * the archive header {@code (tuuuusa(ayay))} and bare-user's {@code user.ostreemeta} {@code (uuua(ayay))}.
 */
public record FileHeader(int uid, int gid, int mode, String symlinkTarget, List<Xattr> xattrs) {
    public static final GVariantType CHECKSUM_TYPE = GVariantType.of("(uuuusa(ayay))");
    public static final GVariantType ARCHIVE_TYPE = GVariantType.of("(tuuuusa(ayay))");
    public static final GVariantType USER_META_TYPE = GVariantType.of("(uuua(ayay))");
    /** Longest header libostree reads from a stream. */
    private static final int MAX_HEADER = 10 * 1024 * 1024;

    public FileHeader {
        Objects.requireNonNull(symlinkTarget, "symlinkTarget");
        xattrs = List.copyOf(xattrs);
    }

    public static FileHeader regular(int uid, int gid, int mode, List<Xattr> xattrs) {
        return new FileHeader(uid, gid, FileMode.S_IFREG | (mode & FileMode.PERMISSIONS), "", xattrs);
    }

    public static FileHeader symlink(int uid, int gid, String target, List<Xattr> xattrs) {
        return new FileHeader(uid, gid, FileMode.S_IFLNK | 0777, target, xattrs);
    }

    public boolean isSymlink() {
        return FileMode.isSymlink(mode);
    }

    public FileHeader withOwner(int newUid, int newGid) {
        return new FileHeader(newUid, newGid, mode, symlinkTarget, xattrs);
    }

    public FileHeader withMode(int newMode) {
        return new FileHeader(uid, gid, newMode, symlinkTarget, xattrs);
    }

    public FileHeader withXattrs(List<Xattr> newXattrs) {
        return new FileHeader(uid, gid, mode, symlinkTarget, newXattrs);
    }

    /** The length-prefixed header that starts the checksummed stream of a content object. */
    public byte[] checksumHeader() {
        return lengthPrefixed(GVariantCodec.encode(CHECKSUM_TYPE, List.of(Integer.reverseBytes(uid),
                Integer.reverseBytes(gid), Integer.reverseBytes(mode), 0, symlinkTarget, Xattr.toValue(xattrs))));
    }

    /** The length-prefixed header of an archive-mode {@code .filez} object holding {@code size} content bytes. */
    public byte[] archiveHeader(long size) {
        return lengthPrefixed(GVariantCodec.encode(ARCHIVE_TYPE, List.of(Long.reverseBytes(size), Integer.reverseBytes(uid),
                Integer.reverseBytes(gid), Integer.reverseBytes(mode), 0, symlinkTarget, Xattr.toValue(xattrs))));
    }

    /** The value of bare-user's {@code user.ostreemeta} xattr. */
    public byte[] userMeta() {
        return GVariantCodec.encode(USER_META_TYPE, List.of(Integer.reverseBytes(uid), Integer.reverseBytes(gid),
                Integer.reverseBytes(mode), Xattr.toValue(xattrs)));
    }

    /** Parses bare-user's {@code user.ostreemeta}; the symlink target comes from the file's content. */
    public static FileHeader fromUserMeta(byte[] data, String symlinkTarget) throws OstreeFormatException {
        List<?> v = (List<?>) GVariantCodec.decode(USER_META_TYPE, data);
        int mode = Integer.reverseBytes((Integer) v.get(2));
        FileHeader h = new FileHeader(Integer.reverseBytes((Integer) v.get(0)), Integer.reverseBytes((Integer) v.get(1)),
                mode, FileMode.isSymlink(mode) ? symlinkTarget : "", Xattr.fromValue(v.get(3)));
        h.validate();
        return h;
    }

    /** An archive header and the content size it announces. */
    public record Archived(FileHeader header, long size) {
    }

    /**
     * Reads the length-prefixed archive header at the start of a {@code .filez} stream, leaving the stream at
     * the start of the raw deflate data.
     */
    public static Archived readArchiveHeader(InputStream in) throws IOException, OstreeFormatException {
        byte[] prefix = in.readNBytes(8);
        if (prefix.length < 8) {
            throw new OstreeFormatException("truncated archive file header", prefix.length);
        }
        long len = ((prefix[0] & 0xFFL) << 24) | ((prefix[1] & 0xFF) << 16) | ((prefix[2] & 0xFF) << 8) | (prefix[3] & 0xFF);
        if (len == 0 || len > MAX_HEADER) {
            throw new OstreeFormatException("invalid archive file header length " + len, 0);
        }
        byte[] body = in.readNBytes((int) len);
        if (body.length < len) {
            throw new OstreeFormatException("truncated archive file header", 8 + body.length);
        }
        List<?> v = (List<?>) GVariantCodec.decode(ARCHIVE_TYPE, body);
        // libostree's messages, which ostree fsck prints.
        if ((Integer) v.get(4) != 0) {
            throw new OstreeFormatException("Corrupted archive file; invalid rdev " + Integer.toUnsignedString(Integer.reverseBytes((Integer) v.get(4))));
        }
        int mode = Integer.reverseBytes((Integer) v.get(3));
        if (!FileMode.isRegular(mode) && !FileMode.isSymlink(mode)) {
            throw new OstreeFormatException("Corrupted archive file; invalid mode " + Integer.toUnsignedString(mode));
        }
        FileHeader h = new FileHeader(Integer.reverseBytes((Integer) v.get(1)), Integer.reverseBytes((Integer) v.get(2)),
                Integer.reverseBytes((Integer) v.get(3)), (String) v.get(5), Xattr.fromValue(v.get(6)));
        h.validate();
        long size = Long.reverseBytes((Long) v.get(0));
        if (size < 0 || (h.isSymlink() && size != 0)) {
            throw new OstreeFormatException("invalid content size " + Long.toUnsignedString(size) + " in archive file header");
        }
        return new Archived(h, size);
    }

    /**
     * The content of a {@code .filez} object: the raw deflate stream after the archive header, inflated. Closing
     * it frees the native inflater at once rather than at garbage collection. Deflate data that is corrupt or ends
     * early is a format error: a stream can throw no checked exception but IOException, so it comes as an
     * IOException (with the inflater's message) whose cause is an {@link OstreeFormatException}.
     */
    public static InputStream inflateArchiveContent(InputStream rawDeflate) {
        Inflater inflater = new Inflater(true);
        return new InflaterInputStream(rawDeflate, inflater, 16 * 1024) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (java.io.EOFException | java.util.zip.ZipException corrupt) {
                    throw new IOException(corrupt.getMessage(),
                            new OstreeFormatException("corrupt archive file content: " + corrupt.getMessage()));
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    inflater.end();
                }
            }
        };
    }

    /** The checks of {@code ostree_validate_structureof_file_mode} and of symlink targets. */
    public void validate() throws OstreeFormatException {
        if (!(FileMode.isRegular(mode) || FileMode.isSymlink(mode)) || (mode & ~(FileMode.S_IFMT | FileMode.PERMISSIONS)) != 0) {
            throw new OstreeFormatException(String.format("invalid file mode 0%o", mode));
        }
        if (isSymlink() ? symlinkTarget.isEmpty() : !symlinkTarget.isEmpty()) {
            throw new OstreeFormatException("invalid symlink target '" + symlinkTarget + "' for mode " + Integer.toOctalString(mode));
        }
    }

    /** The content checksum of this header followed by {@code content} (empty for symlinks). */
    public ObjectId checksum(InputStream content) throws IOException {
        MessageDigest digest = startDigest();
        if (!isSymlink()) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = content.read(buf)) > 0) {
                digest.update(buf, 0, n);
            }
        }
        return ObjectId.fromBytes(digest.digest());
    }

    /** A SHA-256 already fed with the checksum header; feed it the content and call {@code digest()}. */
    public MessageDigest startDigest() {
        MessageDigest digest = Checksums.newDigest();
        digest.update(checksumHeader());
        return digest;
    }

    private static byte[] lengthPrefixed(byte[] variant) {
        byte[] out = new byte[8 + variant.length];
        int n = variant.length;
        out[0] = (byte) (n >>> 24);
        out[1] = (byte) (n >>> 16);
        out[2] = (byte) (n >>> 8);
        out[3] = (byte) n;
        System.arraycopy(variant, 0, out, 8, n);
        return out;
    }
}
