package org.aptostree.openpgp;

import java.util.Locale;

/**
 * The outcome for one signature packet.
 *
 * @param keyId       the issuer key id (16 upper-case hex digits)
 * @param fingerprint the fingerprint of the (sub)key that made the signature when it is in the keyring, else null
 * @param certificate the fingerprint of that key's certificate (its primary key) when it is in the keyring, else null
 * @param status      the verdict
 * @param detail      a one-line reason, e.g. "subkey is not marked for signing"
 */
public record SignatureCheck(String keyId, String fingerprint, String certificate, Status status, String detail) {

    /** Verdicts; only {@link #GOOD} counts towards acceptance. */
    public enum Status {
        /** A valid signature by a usable key of the keyring, with accepted algorithms. */
        GOOD,
        /** The signature does not match the data: the data was changed. */
        BAD,
        /** The key is not in the keyring. */
        NO_PUBLIC_KEY,
        /** The key is in the keyring but not among the signers the policy allows. */
        NOT_ALLOWED,
        /** A digest or public-key algorithm (or key size) the policy no longer accepts. */
        WEAK,
        /** The key, or its primary key, had expired when it signed or has expired by the reference time. */
        EXPIRED_KEY,
        /** The key, or its primary key, is revoked. */
        REVOKED_KEY,
        /** The key may not make this signature: no valid binding or self-signature, no signing flag, no back-signature. */
        UNUSABLE_KEY,
        /** A signature version, type or time that cannot be accepted. */
        UNUSABLE
    }

    /** "key FPR (subkey of FPR): status (detail)": names the key and the reason. */
    @Override
    public String toString() {
        String key = fingerprint != null ? fingerprint : keyId;
        String of = certificate != null && !certificate.equals(fingerprint) ? " (subkey of " + certificate + ")" : "";
        return "key " + key + of + ": " + status.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " (" + detail + ")";
    }
}
