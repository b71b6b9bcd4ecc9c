package org.aptostree.ostree.oci;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.aptostree.ostree.OstreeFormatException;

/** A content digest as OCI writes it, {@code sha256:<64 lowercase hex>}; only SHA-256 is accepted. */
public record Digest(String hex) implements Comparable<Digest> {
    private static final String PREFIX = "sha256:";

    public Digest {
        if (!isHex64(hex)) {
            throw new IllegalArgumentException("invalid sha256 digest '" + hex + "'");
        }
    }

    /** Parses {@code sha256:<hex>}; other algorithms and malformed values are format errors. */
    public static Digest parse(String s) throws OstreeFormatException {
        if (s == null || !s.startsWith(PREFIX) || !isHex64(s.substring(PREFIX.length()))) {
            throw new OstreeFormatException("invalid or unsupported digest '" + abbreviate(s) + "' (expected sha256:<64 hex digits>)");
        }
        return new Digest(s.substring(PREFIX.length()));
    }

    public static Digest of(byte[] data) {
        return new Digest(HexFormat.of().formatHex(newSha256().digest(data)));
    }

    public static Digest of(MessageDigest finished) {
        return new Digest(HexFormat.of().formatHex(finished.digest()));
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    static boolean isHex64(String s) {
        if (s == null || s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    @Override
    public int compareTo(Digest o) {
        return hex.compareTo(o.hex);
    }

    @Override
    public String toString() {
        return PREFIX + hex;
    }
}
