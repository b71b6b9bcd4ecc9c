package org.aptostree.openpgp;

import java.util.List;

/**
 * Signatures of which at least one is good.
 *
 * @param checks every signature's outcome, in the order of the signature data
 */
public record Verification(List<SignatureCheck> checks) {
    /** Copies the list. */
    public Verification {
        checks = List.copyOf(checks);
    }

    /** The good signatures. */
    public List<SignatureCheck> good() {
        return checks.stream().filter(c -> c.status() == SignatureCheck.Status.GOOD).toList();
    }

    /** Fingerprints of the keys that made the good signatures. */
    public List<String> goodSigners() {
        return good().stream().map(SignatureCheck::fingerprint).toList();
    }
}
