package org.aptostree.ostree.object;

import java.util.List;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.gvariant.GVariantCodec;
import org.aptostree.ostree.gvariant.GVariantType;

/** A dirmeta object: owner, mode and xattrs of a directory, type {@code (uuua(ayay))} with big-endian integers. */
public record DirMeta(int uid, int gid, int mode, List<Xattr> xattrs) {
    public static final GVariantType TYPE = GVariantType.of("(uuua(ayay))");

    public DirMeta {
        xattrs = List.copyOf(xattrs);
    }

    public byte[] encode() {
        return GVariantCodec.encode(TYPE, List.of(Integer.reverseBytes(uid), Integer.reverseBytes(gid),
                Integer.reverseBytes(mode), Xattr.toValue(xattrs)));
    }

    public ObjectId checksum() {
        return Checksums.sha256(encode());
    }

    /** Parses and validates a dirmeta as {@code ostree_validate_structureof_dirmeta} does. */
    public static DirMeta decode(byte[] data) throws OstreeFormatException {
        List<?> v = (List<?>) GVariantCodec.decode(TYPE, data);
        int mode = Integer.reverseBytes((Integer) v.get(2));
        if (!FileMode.isDirectory(mode)) {
            throw new OstreeFormatException(String.format("invalid directory metadata: mode 0%o is not a directory", mode));
        }
        if ((mode & ~(FileMode.S_IFMT | FileMode.PERMISSIONS)) != 0) {
            throw new OstreeFormatException(String.format("invalid directory metadata: mode 0%o has unknown bits", mode));
        }
        List<Xattr> xattrs = Xattr.fromValue(v.get(3));
        return new DirMeta(Integer.reverseBytes((Integer) v.get(0)), Integer.reverseBytes((Integer) v.get(1)), mode, xattrs);
    }
}
