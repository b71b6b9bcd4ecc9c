package org.aptostree.deb.verify;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

import org.aptostree.deb.DebFormatException;

/**
 * One file listed in a Release file's hash sections.
 *
 * @param path   path relative to the Release file's directory, e.g. {@code main/binary-amd64/Packages.xz}
 * @param size   size in bytes
 * @param sha256 lower-case hex SHA-256, or null when not listed
 * @param sha512 lower-case hex SHA-512, or null when not listed
 * @param weakOnly true when only MD5Sum/SHA1 list it (apt refuses to use such a file)
 */
public record IndexFile(String path, long size, String sha256, String sha512, boolean weakOnly) {
    /** Null checks. */
    public IndexFile {
        Objects.requireNonNull(path, "path");
    }

    /**
     * Reads {@code data} to its end and checks its size and every strong hash listed (SHA-256 and
     * SHA-512); a file listed only with MD5Sum or SHA1 is refused, as apt refuses it.
     *
     * @throws DebFormatException naming the file and what does not match
     */
    public void verify(InputStream data) throws IOException {
        if (weakOnly || (sha256 == null && sha512 == null)) {
            throw new DebFormatException("'" + path + "' has only weak hashes (MD5Sum/SHA1) in the Release file");
        }
        MessageDigest d256 = digest("SHA-256");
        MessageDigest d512 = sha512 != null ? digest("SHA-512") : null;
        byte[] buf = new byte[1 << 16];
        long total = 0;
        for (int n = data.read(buf); n >= 0; n = data.read(buf)) {
            d256.update(buf, 0, n);
            if (d512 != null) {
                d512.update(buf, 0, n);
            }
            total += n;
            if (total > size) {
                break;
            }
        }
        if (total != size) {
            throw new DebFormatException("size mismatch for '" + path + "': expected " + size + " bytes, got "
                    + (total > size ? "more" : Long.toString(total)));
        }
        if (sha256 != null) {
            String got = HexFormat.of().formatHex(d256.digest());
            if (!got.equals(sha256)) {
                throw new DebFormatException("SHA256 mismatch for '" + path + "': expected " + sha256 + ", got " + got);
            }
        }
        if (d512 != null) {
            String got = HexFormat.of().formatHex(d512.digest());
            if (!got.equals(sha512)) {
                throw new DebFormatException("SHA512 mismatch for '" + path + "': expected " + sha512 + ", got " + got);
            }
        }
    }

    private static MessageDigest digest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(name + " is required by the Java platform", e);
        }
    }
}
