package org.aptostree.ostree.object;

import java.util.Arrays;
import java.util.HexFormat;

/** The SHA-256 name of an OSTree object: 32 bytes, written as 64 lowercase hex digits. */
public final class ObjectId implements Comparable<ObjectId> {
    public static final int LENGTH = 32;
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] bytes;

    private ObjectId(byte[] bytes) {
        this.bytes = bytes;
    }

    public static ObjectId fromBytes(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("checksum must be 32 bytes, got " + bytes.length);
        }
        return new ObjectId(bytes.clone());
    }

    /** Parses 64 lowercase hex digits, as libostree's {@code ostree_validate_checksum_string}. */
    public static ObjectId fromHex(String hex) {
        if (!isValidHex(hex)) {
            throw new IllegalArgumentException("invalid checksum '" + hex + "'");
        }
        return new ObjectId(HEX.parseHex(hex));
    }

    public static boolean isValidHex(String s) {
        if (s.length() != 2 * LENGTH) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** The SHA-256 of {@code data}: the name of a metadata object with these bytes. */
    public static ObjectId sha256Of(byte[] data) {
        return Checksums.sha256(data);
    }

    public byte[] toBytes() {
        return bytes.clone();
    }

    public String hex() {
        return HEX.formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return (bytes[0] & 0xFF) << 24 | (bytes[1] & 0xFF) << 16 | (bytes[2] & 0xFF) << 8 | (bytes[3] & 0xFF);
    }

    @Override
    public int compareTo(ObjectId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
