package org.aptostree.openpgp;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.bouncycastle.bcpg.SignatureSubpacketTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;

/**
 * Whether a key of a certificate may make a data signature, as gpg and Sequoia decide it:
 * <ul>
 * <li>both keys pass the policy's algorithm rules, and neither is revoked (by a valid revocation signature of the
 *     primary key);</li>
 * <li>the primary key has a valid self-signature (user-ID certification or direct-key signature) and has not
 *     expired; a subkey is bound by a valid binding signature of its primary key that marks it for signing and embeds
 *     the subkey's own primary-key binding ("back-") signature, and has not expired; a primary key that signs is
 *     itself marked for signing.</li>
 * </ul>
 * The self-signature or binding in force at a time is the latest valid one made by then (that is how expiry is
 * extended and flags are changed). Sequoia judges the key at the time it signed, gpg at the present; a key must pass
 * at both.
 */
final class SigningKeyCheck {
    /**
     * BouncyCastle's lightweight verifiers: for these short certification hashes they take half the time of the
     * JDK's providers (0.36 against 0.66 ms for a Debian archive key's RSA-4096 binding), whose set-up dominates.
     */

    /** Why a key may not have made a signature. */
    record Problem(SignatureCheck.Status status, String detail) {
    }

    private final PGPPublicKey primary;
    private final PGPPublicKey key;
    private final SignaturePolicy policy;
    /** Self-signatures already verified in this check (each may be asked about at two times). */
    private final Map<PGPSignature, Boolean> verified = new IdentityHashMap<>();

    private SigningKeyCheck(PGPPublicKey primary, PGPPublicKey key, SignaturePolicy policy) {
        this.primary = primary;
        this.key = key;
        this.policy = policy;
    }

    /** The problem with {@code key} (the certificate's primary key or one of its subkeys) signing at {@code signed}, or null. */
    static Problem check(PGPPublicKeyRing certificate, PGPPublicKey key, Instant signed, SignaturePolicy policy) {
        // A signature object keeps the state of its last verification, and a keyring may be shared by threads.
        synchronized (certificate) {
            return new SigningKeyCheck(certificate.getPublicKey(), key, policy).check(signed);
        }
    }

    private boolean subkey() {
        return key != primary;
    }

    private Problem check(Instant signed) {
        String weak = policy.keyProblem(key);
        if (weak == null && subkey()) {
            weak = policy.keyProblem(primary);
            weak = weak == null ? null : "primary key: " + weak;
        }
        if (weak != null) {
            return new Problem(SignatureCheck.Status.WEAK, weak);
        }
        for (PGPSignature revocation : signatures(primary, PGPSignature.KEY_REVOCATION)) {
            if (madeBy(revocation, primary) && verifies(revocation, primary, () -> revocation.verifyCertification(primary))) {
                return new Problem(SignatureCheck.Status.REVOKED_KEY, (subkey() ? "primary key" : "key") + " is revoked");
            }
        }
        if (subkey()) {
            for (PGPSignature revocation : signatures(key, PGPSignature.SUBKEY_REVOCATION)) {
                if (madeBy(revocation, primary) && verifies(revocation, primary, () -> revocation.verifyCertification(primary, key))) {
                    return new Problem(SignatureCheck.Status.REVOKED_KEY, "subkey is revoked");
                }
            }
        }
        Problem problem = checkAt(signed);
        return problem != null ? problem : checkAt(policy.now());
    }

    /** The problem with the key signing at {@code time}, by the self-signature and binding in force then. */
    private Problem checkAt(Instant time) {
        PGPSignature self = selfSignatureAt(time);
        String what = subkey() ? "primary key" : "key";
        if (self == null) {
            return new Problem(SignatureCheck.Status.UNUSABLE_KEY, what + " has no valid self-signature (with an accepted digest) made by " + time);
        }
        Problem problem = expiry(primary, self, time, what);
        if (problem != null || !subkey()) {
            return problem != null ? problem : signingFlag(self, what);
        }
        PGPSignature binding = bindingAt(time);
        if (binding == null) {
            return new Problem(SignatureCheck.Status.UNUSABLE_KEY,
                    "subkey is not bound to its primary key by a valid binding signature made by " + time);
        }
        problem = signingFlag(binding, "subkey");
        if (problem != null) {
            return problem;
        }
        if (!backSigned(binding, time)) {
            return new Problem(SignatureCheck.Status.UNUSABLE_KEY,
                    "signing subkey has no valid primary-key binding signature made by " + time + " (it is not cross-certified)");
        }
        return expiry(key, binding, time, "subkey");
    }

    /** The signing flag, from the key flags of the self-signature or binding in force; no flags means no use. */
    private static Problem signingFlag(PGPSignature self, String what) {
        PGPSignatureSubpacketVector hashed = self.getHashedSubPackets();
        if (hashed == null || !hashed.hasSubpacket(SignatureSubpacketTags.KEY_FLAGS)) {
            return new Problem(SignatureCheck.Status.UNUSABLE_KEY, what + " has no key flags, so it is not marked for signing");
        }
        if ((hashed.getKeyFlags() & KeyFlags.SIGN_DATA) == 0) {
            return new Problem(SignatureCheck.Status.UNUSABLE_KEY, what + " is not marked for signing (key flags 0x"
                    + Integer.toHexString(hashed.getKeyFlags()) + ")");
        }
        return null;
    }

    /** Expired at {@code time}, by the key expiration time of the self-signature or binding in force then. */
    private static Problem expiry(PGPPublicKey k, PGPSignature self, Instant time, String what) {
        PGPSignatureSubpacketVector hashed = self.getHashedSubPackets();
        long valid = hashed == null ? 0 : hashed.getKeyExpirationTime();
        if (valid <= 0) {
            return null;
        }
        Instant expiry = k.getCreationTime().toInstant().plusSeconds(valid);
        if (!time.isBefore(expiry)) {
            return new Problem(SignatureCheck.Status.EXPIRED_KEY, what + " " + Keyring.fingerprint(k) + " expired on " + expiry);
        }
        return null;
    }

    /** The latest valid user-ID certification or direct-key signature the primary key made over itself by {@code time}. */
    private PGPSignature selfSignatureAt(Instant time) {
        List<PGPSignature> candidates = new ArrayList<>();
        List<Check> checks = new ArrayList<>();
        for (Iterator<String> ids = primary.getUserIDs(); ids.hasNext();) {
            String id = ids.next();
            for (Iterator<PGPSignature> it = primary.getSignaturesForID(id); it.hasNext();) {
                PGPSignature s = it.next();
                if (s.isCertification() && usable(s, primary, time)) {
                    candidates.add(s);
                    checks.add(() -> s.verifyCertification(id, primary));
                }
            }
        }
        for (PGPSignature s : signatures(primary, PGPSignature.DIRECT_KEY)) {
            if (usable(s, primary, time)) {
                candidates.add(s);
                checks.add(() -> s.verifyCertification(primary));
            }
        }
        return latestValid(candidates, checks, primary);
    }

    /** The latest valid subkey binding signature the primary key made over the subkey by {@code time}. */
    private PGPSignature bindingAt(Instant time) {
        List<PGPSignature> candidates = new ArrayList<>();
        List<Check> checks = new ArrayList<>();
        for (PGPSignature s : signatures(key, PGPSignature.SUBKEY_BINDING)) {
            if (usable(s, primary, time)) {
                candidates.add(s);
                checks.add(() -> s.verifyCertification(primary, key));
            }
        }
        return latestValid(candidates, checks, primary);
    }

    /** The newest candidate that verifies: only as many verifications as needed, each signature verified once. */
    private PGPSignature latestValid(List<PGPSignature> candidates, List<Check> checks, PGPPublicKey signer) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing((Integer i) -> candidates.get(i).getCreationTime()).reversed());
        for (int i : order) {
            PGPSignature s = candidates.get(i);
            if (verified.computeIfAbsent(s, x -> verifies(s, signer, checks.get(i)))) {
                return s;
            }
        }
        return null;
    }

    /** A signing subkey's binding must embed a primary-key binding signature made by the subkey (RFC 4880 §11.1). */
    private boolean backSigned(PGPSignature binding, Instant time) {
        for (PGPSignatureSubpacketVector v : new PGPSignatureSubpacketVector[] {binding.getHashedSubPackets(), binding.getUnhashedSubPackets()}) {
            if (v == null) {
                continue;
            }
            List<PGPSignature> embedded = new ArrayList<>();
            try {
                v.getEmbeddedSignatures().forEach(embedded::add);
            } catch (PGPException | RuntimeException e) {
                continue; // A malformed embedded signature does not cross-certify.
            }
            for (PGPSignature back : embedded) {
                if (back.getSignatureType() == PGPSignature.PRIMARYKEY_BINDING && usable(back, key, time)
                        && verified.computeIfAbsent(back, x -> verifies(back, key, () -> back.verifyCertification(primary, key)))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Made by {@code issuer} by {@code time} and not expired then, with a digest accepted for self-signatures. */
    private boolean usable(PGPSignature s, PGPPublicKey issuer, Instant time) {
        if (!madeBy(s, issuer) || s.getVersion() < 4 || policy.hashProblem(s.getHashAlgorithm(), true) != null) {
            return false;
        }
        Instant created = s.getCreationTime().toInstant();
        if (created.isAfter(time) || created.isBefore(issuer.getCreationTime().toInstant())) {
            return false;
        }
        PGPSignatureSubpacketVector hashed = s.getHashedSubPackets();
        long expires = hashed == null ? 0 : hashed.getSignatureExpirationTime();
        return expires <= 0 || time.isBefore(created.plusSeconds(expires));
    }

    private static boolean madeBy(PGPSignature s, PGPPublicKey issuer) {
        // Embedded back-signatures may omit the issuer; the key that must have made them is known.
        return s.getKeyID() == 0 || s.getKeyID() == issuer.getKeyID();
    }

    private static List<PGPSignature> signatures(PGPPublicKey k, int type) {
        List<PGPSignature> out = new ArrayList<>();
        k.getSignaturesOfType(type).forEachRemaining(out::add);
        return out;
    }

    private interface Check {
        boolean run() throws PGPException;
    }

    private static boolean verifies(PGPSignature s, PGPPublicKey signer, Check check) {
        try {
            SignatureVerifier.init(s, signer);
            return check.run();
        } catch (PGPException | RuntimeException e) {
            return false;
        }
    }
}
