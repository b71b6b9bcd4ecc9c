package org.aptostree.openpgp;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.IssuerFingerprint;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.operator.PGPContentVerifier;
import org.bouncycastle.openpgp.operator.PGPContentVerifierBuilderProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;

/**
 * Checks detached OpenPGP signatures against a {@link Keyring} under a {@link SignaturePolicy}: the one place where
 * apt-ostree decides whether a signature is good, for APT Release files and OSTree commits alike.
 *
 * <p>A signature is good when it is a v4+ binary or text document signature that matches the data, made by a key of
 * the keyring that the policy allows, with an accepted digest, not dated before its key nor after the reference time
 * (plus the clock skew), not expired, by a key that may sign (see {@link SigningKeyCheck}).
 */
public final class SignatureVerifier {
    private static final PGPContentVerifierBuilderProvider JCA = new JcaPGPContentVerifierBuilderProvider();
    private static final PGPContentVerifierBuilderProvider BC = new BcPGPContentVerifierBuilderProvider();
    private static final PGPContentVerifierBuilderProvider[] JCA_FIRST = {JCA, BC};
    private static final PGPContentVerifierBuilderProvider[] BC_FIRST = {BC, JCA};

    private final Keyring keyring;
    private final SignaturePolicy policy;

    public SignatureVerifier(Keyring keyring, SignaturePolicy policy) {
        this.keyring = keyring;
        this.policy = policy;
    }

    /**
     * Accepts {@code data} when at least one of {@code signatures} (binary packets or an armored PGP SIGNATURE) is good.
     *
     * @throws RejectedSignatureException when none is, naming each signature's key and reason
     * @throws OpenPgpFormatException     when the signature data is not signature packets
     */
    public Verification verify(byte[] data, byte[] signatures) throws OpenPgpFormatException, RejectedSignatureException {
        List<SignatureCheck> checks = check(data, signatures);
        if (checks.stream().noneMatch(c -> c.status() == SignatureCheck.Status.GOOD)) {
            throw new RejectedSignatureException(checks);
        }
        return new Verification(checks);
    }

    /** Every signature's outcome over {@code data}, in order; for callers with their own acceptance rule. */
    public List<SignatureCheck> check(byte[] data, byte[] signatures) throws OpenPgpFormatException {
        List<SignatureCheck> out = new ArrayList<>();
        for (PGPSignature sig : read(signatures)) {
            out.add(check(sig, data));
        }
        return out;
    }

    private static List<PGPSignature> read(byte[] signatures) throws OpenPgpFormatException {
        byte[] packets = Keyring.armored(signatures) ? Keyring.dearmor(signatures, "SIGNATURE") : signatures;
        List<PGPSignature> out = new ArrayList<>();
        for (PGPSignatureList list : Keyring.objects(packets, PGPSignatureList.class, "signature data")) {
            list.forEach(out::add);
        }
        if (out.isEmpty()) {
            throw new OpenPgpFormatException("no signature packets");
        }
        return out;
    }

    private SignatureCheck check(PGPSignature sig, byte[] data) {
        String keyId = String.format("%016X", sig.getKeyID());
        if (sig.getVersion() < 4) {
            return new SignatureCheck(keyId, null, null, SignatureCheck.Status.UNUSABLE, "version " + sig.getVersion() + " signature");
        }
        int type = sig.getSignatureType();
        if (type != PGPSignature.BINARY_DOCUMENT && type != PGPSignature.CANONICAL_TEXT_DOCUMENT) {
            return new SignatureCheck(keyId, null, null, SignatureCheck.Status.UNUSABLE, "not a document signature (type " + type + ")");
        }
        PGPSignatureSubpacketVector hashed = sig.getHashedSubPackets();
        IssuerFingerprint issuer = hashed == null ? null : hashed.getIssuerFingerprint();
        PGPPublicKeyRing certificate = null;
        PGPPublicKey key = null;
        if (issuer != null) {
            certificate = keyring.certificateOf(issuer.getFingerprint());
            key = certificate == null ? null : certificate.getPublicKey(issuer.getFingerprint());
        }
        if (key == null && sig.getKeyID() != 0) {
            certificate = keyring.certificateOf(sig.getKeyID());
            key = certificate == null ? null : certificate.getPublicKey(sig.getKeyID());
        }
        if (key == null) {
            return new SignatureCheck(keyId, null, null, SignatureCheck.Status.NO_PUBLIC_KEY, "public key not in the keyring");
        }
        String fpr = Keyring.fingerprint(key);
        String primary = Keyring.fingerprint(certificate.getPublicKey());
        if (!policy.signers().isEmpty() && !policy.signers().contains(fpr) && !policy.signers().contains(primary)) {
            return new SignatureCheck(keyId, fpr, primary, SignatureCheck.Status.NOT_ALLOWED, "key not among the allowed signers");
        }
        try {
            if (!matches(sig, key, data)) {
                return new SignatureCheck(keyId, fpr, primary, SignatureCheck.Status.BAD, "signature does not match the signed data");
            }
        } catch (PGPException | RuntimeException e) {
            return new SignatureCheck(keyId, fpr, primary, SignatureCheck.Status.UNUSABLE, "cannot verify: " + e.getMessage());
        }
        String weakHash = policy.hashProblem(sig.getHashAlgorithm(), false);
        if (weakHash != null) {
            return new SignatureCheck(keyId, fpr, primary, SignatureCheck.Status.WEAK, weakHash);
        }
        Instant created = sig.getCreationTime().toInstant();
        if (created.isBefore(key.getCreationTime().toInstant())) {
            return new SignatureCheck(keyId, fpr, primary, SignatureCheck.Status.UNUSABLE, "signature is older than its key");
        }
        if (created.isAfter(policy.now().plus(policy.maxFuture()))) {
            return new SignatureCheck(keyId, fpr, primary, SignatureCheck.Status.UNUSABLE, "signature made in the future (" + created + ")");
        }
        long expires = hashed == null ? 0 : hashed.getSignatureExpirationTime();
        if (expires > 0 && !policy.now().isBefore(created.plusSeconds(expires))) {
            return new SignatureCheck(keyId, fpr, primary, SignatureCheck.Status.UNUSABLE, "signature expired on " + created.plusSeconds(expires));
        }
        SigningKeyCheck.Problem problem = SigningKeyCheck.check(certificate, key, created, policy);
        if (problem != null) {
            return new SignatureCheck(keyId, fpr, primary, problem.status(), problem.detail());
        }
        return new SignatureCheck(keyId, fpr, primary, SignatureCheck.Status.GOOD, "good signature, made " + created);
    }

    /** Checks the signature over the data, by the providers in {@link #providers}' order. */
    private static boolean matches(PGPSignature sig, PGPPublicKey key, byte[] data) throws PGPException {
        if (sig.getVersion() == 4) {
            // BouncyCastle canonicalises text signatures one byte at a time through the digest, which made
            // verification several times slower than gpgv; the data is canonicalised here in bulk and hashed with
            // the v4 trailer, exactly as PGPSignature.verify() does.
            byte[] signed = sig.getSignatureType() == PGPSignature.CANONICAL_TEXT_DOCUMENT ? canonicalText(data) : data;
            PGPContentVerifierBuilderProvider[] providers = providers(key);
            PGPContentVerifier verifier;
            try {
                verifier = providers[0].get(sig.getKeyAlgorithm(), sig.getHashAlgorithm()).build(key);
            } catch (PGPException | RuntimeException e) {
                verifier = providers[1].get(sig.getKeyAlgorithm(), sig.getHashAlgorithm()).build(key);
            }
            try (OutputStream out = verifier.getOutputStream()) {
                out.write(signed);
                out.write(sig.getSignatureTrailer());
            } catch (IOException e) {
                throw new PGPException("cannot hash the signed data", e);
            }
            return verifier.verify(sig.getSignature());
        }
        init(sig, key);
        sig.update(data);
        return sig.verify();
    }

    /** Prepares {@code sig} to be checked with {@code key}, also a key signature, by {@link #providers}' order. */
    static void init(PGPSignature sig, PGPPublicKey key) throws PGPException {
        PGPContentVerifierBuilderProvider[] providers = providers(key);
        try {
            sig.init(providers[0], key);
        } catch (PGPException | RuntimeException e) {
            sig.init(providers[1], key);
        }
    }

    /**
     * The providers to try for {@code key}'s algorithm, the faster in a fresh JVM first; the other is the fallback
     * for what the first lacks. RSA: the JDK's, which uses the JIT's big-integer intrinsics, while BouncyCastle's
     * validates every modulus with Miller-Rabin rounds of 4096-bit exponentiations (seconds for Debian's archive keys
     * in a fresh JVM). EdDSA: BouncyCastle's, which verifies in a third of the JDK's time before the JIT has run.
     */
    private static PGPContentVerifierBuilderProvider[] providers(PGPPublicKey key) {
        return switch (key.getAlgorithm()) {
            case PublicKeyAlgorithmTags.EDDSA_LEGACY, PublicKeyAlgorithmTags.Ed25519, PublicKeyAlgorithmTags.Ed448 -> BC_FIRST;
            default -> JCA_FIRST;
        };
    }

    /** OpenPGP text canonicalisation as BouncyCastle applies it: CR, LF and CRLF all become CRLF. */
    static byte[] canonicalText(byte[] data) {
        byte[] out = new byte[data.length * 2];
        int n = 0;
        byte last = 0;
        for (byte b : data) {
            if (b == '\r') {
                out[n++] = '\r';
                out[n++] = '\n';
            } else if (b == '\n') {
                if (last != '\r') {
                    out[n++] = '\r';
                    out[n++] = '\n';
                }
            } else {
                out[n++] = b;
            }
            last = b;
        }
        return Arrays.copyOf(out, n);
    }
}
