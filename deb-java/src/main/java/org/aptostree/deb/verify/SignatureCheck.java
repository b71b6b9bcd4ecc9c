package org.aptostree.deb.verify;

/**
 * The outcome for one signature packet.
 *
 * @param keyId       the issuer key id (16 hex digits)
 * @param fingerprint the signing (sub)key's fingerprint when the key is in the keyring, else null
 * @param status      the verdict
 * @param detail      a one-line explanation (e.g. "key expired on 2024-01-01T00:00:00Z")
 */
public record SignatureCheck(String keyId, String fingerprint, Status status, String detail) {

    /** Verdicts; only {@link #GOOD} counts towards acceptance, {@link #BAD} refuses the file outright. */
    public enum Status {
        /** Valid signature by a valid, trusted key with strong algorithms. */
        GOOD,
        /** The signature does not match the data: the file was changed (apt: "invalid signature"). */
        BAD,
        /** The key is not in the keyring (ignored when another signature is good, as apt does). */
        NO_PUBLIC_KEY,
        /** The key is not in the Signed-By list. */
        NOT_ALLOWED,
        /** SHA-1, MD5 or RIPEMD-160 digest, or a key algorithm/size apt no longer accepts. */
        WEAK,
        /** The key had expired at signing time or has expired by the reference time. */
        EXPIRED_KEY,
        /** The key has been revoked. */
        REVOKED_KEY,
        /** A signature type, version or time that cannot be accepted. */
        UNUSABLE
    }
}
