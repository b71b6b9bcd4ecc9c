package org.aptostree.deb.verify;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.aptostree.deb.DebFormatException;
import org.aptostree.openpgp.Keyring;
import org.aptostree.openpgp.OpenPgpFormatException;
import org.aptostree.openpgp.RejectedSignatureException;
import org.aptostree.openpgp.SignatureCheck;
import org.aptostree.openpgp.SignatureVerifier;
import org.aptostree.openpgp.Verification;

/**
 * Verifies InRelease (clear-signed) and Release + Release.gpg (detached) files against a {@link Keyring} as apt does:
 * every signature is checked by the project's one OpenPGP policy ({@link SignatureVerifier}); a signature that does
 * not match the data refuses the file ("At least one invalid signature was encountered"); at least one signature
 * must be good; signatures by unknown keys are ignored when another one is good. Then the Release's Date and
 * Valid-Until are checked against the {@link VerificationPolicy}.
 *
 * <p>Only the signed bytes are parsed; every failure is a {@link DebFormatException} whose message says what failed
 * and, for a signature, names its key.
 */
public final class ReleaseVerifier {
    private final SignatureVerifier signatures;
    private final VerificationPolicy policy;

    /** A verifier trusting {@code keyring} under {@code policy}. */
    public ReleaseVerifier(Keyring keyring, VerificationPolicy policy) {
        this.signatures = new SignatureVerifier(keyring, policy.signaturePolicy());
        this.policy = policy;
    }

    /** Verifies a clear-signed InRelease file and returns its parsed, accepted contents. */
    public VerifiedRelease verifyInRelease(byte[] inRelease) throws DebFormatException {
        ClearSigned cs = ClearSigned.parse(inRelease);
        return accept(cs.text(), cs.signedBytes(), cs.signature());
    }

    /** Verifies a Release file with its detached signature (Release.gpg, armored or binary). */
    public VerifiedRelease verifyDetached(byte[] release, byte[] signature) throws DebFormatException {
        return accept(new String(release, StandardCharsets.UTF_8), release, signature);
    }

    private VerifiedRelease accept(String text, byte[] signed, byte[] signature) throws DebFormatException {
        Verification verification;
        try {
            verification = signatures.verify(signed, signature);
        } catch (RejectedSignatureException e) {
            refuseInvalid(e.checks());
            throw new DebFormatException(e.getMessage(), -1, -1, e);
        } catch (OpenPgpFormatException e) {
            throw new DebFormatException(e.getMessage(), -1, -1, e);
        }
        refuseInvalid(verification.checks());
        Release release = Release.parse(text);
        Instant now = policy.now();
        if (policy.checkDate()) {
            if (release.date() == null) {
                throw new DebFormatException("Release file has no Date field");
            }
            if (release.date().isAfter(now.plus(policy.maxFuture()))) {
                throw new DebFormatException("Release file is not valid yet (Date " + release.date()
                        + " is in the future; reference time " + now + ")");
            }
        }
        if (policy.checkValidUntil() && release.validUntil() != null && now.isAfter(release.validUntil())) {
            throw new DebFormatException("Release file is expired (Valid-Until " + release.validUntil()
                    + ", reference time " + now + ")");
        }
        if (policy.notOlderThan() != null && (release.date() == null || release.date().isBefore(policy.notOlderThan()))) {
            throw new DebFormatException("Release file (Date " + release.date() + ") is older than the one already trusted ("
                    + policy.notOlderThan() + ")");
        }
        return new VerifiedRelease(release, verification.checks());
    }

    /** apt refuses a file with a signature that does not match it, even when another signature is good. */
    private static void refuseInvalid(List<SignatureCheck> checks) throws DebFormatException {
        List<SignatureCheck> bad = checks.stream().filter(c -> c.status() == SignatureCheck.Status.BAD).toList();
        if (!bad.isEmpty()) {
            throw new DebFormatException("At least one invalid signature was encountered: " + RejectedSignatureException.describe(bad));
        }
    }
}
