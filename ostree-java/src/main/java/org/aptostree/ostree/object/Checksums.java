package org.aptostree.ostree.object;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256, the hash behind every object name. */
final class Checksums {
    private Checksums() {
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    static ObjectId sha256(byte[] data) {
        return ObjectId.fromBytes(newDigest().digest(data));
    }
}
