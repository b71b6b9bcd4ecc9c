package org.aptostree.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The SHA256 and size a file must have, as a signed index gives them. */
record FileHash(String sha256, long size) {

    /** Whether {@code file} exists with this size and digest. */
    boolean matches(Path file) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) != size) {
            return false;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return copy(in, OutputStream.nullOutputStream()).equals(this);
        }
    }

    /** Copies {@code in} to {@code out}; returns what was copied. */
    static FileHash copy(InputStream in, OutputStream out) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        long size = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            sha.update(buf, 0, n);
            out.write(buf, 0, n);
            size += n;
        }
        return new FileHash(HexFormat.of().formatHex(sha.digest()), size);
    }

    @Override
    public String toString() {
        return "SHA256 " + sha256 + ", " + size + " bytes";
    }
}
