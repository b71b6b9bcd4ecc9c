package org.aptostree.deb.verify;

import java.util.List;

import org.aptostree.openpgp.SignatureCheck;

/**
 * A Release whose signatures and dates have been accepted.
 *
 * @param release    the parsed Release, from the signed bytes only
 * @param signatures every signature's outcome, in file order (at least one is GOOD)
 */
public record VerifiedRelease(Release release, List<SignatureCheck> signatures) {
    /** Copies the list. */
    public VerifiedRelease {
        signatures = List.copyOf(signatures);
    }

    /** Fingerprints of the good signers. */
    public List<String> goodSigners() {
        return signatures.stream().filter(s -> s.status() == SignatureCheck.Status.GOOD).map(SignatureCheck::fingerprint).toList();
    }
}
