package org.aptostree.deb.verify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.aptostree.deb.DebFormatException;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.IssuerFingerprint;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/**
 * Verifies InRelease (clear-signed) and Release + Release.gpg (detached) files against a
 * {@link Keyring} as apt does: every signature is checked; a signature that does not match the
 * data refuses the file ("At least one invalid signature was encountered"); at least one
 * signature must be good, i.e. made by a keyring key that is bound, unrevoked and unexpired,
 * with a strong digest (not SHA-1, MD5 or RIPEMD-160) and a strong key (RSA ≥ 2048 bits, EdDSA,
 * ECDSA; not DSA); signatures by unknown keys are ignored when another one is good. Then the
 * Release's Date and Valid-Until are checked against the {@link VerificationPolicy}.
 *
 * <p>Only the signed bytes are parsed; every failure is a {@link DebFormatException} whose message
 * says what failed.
 */
public final class ReleaseVerifier {
    private final Keyring keyring;
    private final VerificationPolicy policy;

    /** A verifier trusting {@code keyring} under {@code policy}. */
    public ReleaseVerifier(Keyring keyring, VerificationPolicy policy) {
        this.keyring = keyring;
        this.policy = policy;
    }

    /** Verifies a clear-signed InRelease file and returns its parsed, accepted contents. */
    public VerifiedRelease verifyInRelease(byte[] inRelease) throws DebFormatException {
        ClearSigned cs = ClearSigned.parse(inRelease);
        List<SignatureCheck> checks = checkSignatures(cs.signedBytes(), cs.signature());
        return accept(cs.text(), checks);
    }

    /** Verifies a Release file with its detached signature (Release.gpg, armored or binary). */
    public VerifiedRelease verifyDetached(byte[] release, byte[] signature) throws DebFormatException {
        byte[] sig = Armor.looksArmored(signature)
                ? Armor.decodeOne(new String(signature, StandardCharsets.UTF_8), "SIGNATURE").binary()
                : signature;
        List<SignatureCheck> checks = checkSignatures(release, sig);
        return accept(new String(release, StandardCharsets.UTF_8), checks);
    }

    private VerifiedRelease accept(String text, List<SignatureCheck> checks) throws DebFormatException {
        List<SignatureCheck> bad = checks.stream().filter(c -> c.status() == SignatureCheck.Status.BAD).toList();
        if (!bad.isEmpty()) {
            throw new DebFormatException("At least one invalid signature was encountered: " + describe(bad));
        }
        if (checks.stream().noneMatch(c -> c.status() == SignatureCheck.Status.GOOD)) {
            throw new DebFormatException("no good signature: " + describe(checks));
        }
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
        return new VerifiedRelease(release, checks);
    }

    private static String describe(List<SignatureCheck> checks) {
        if (checks.isEmpty()) {
            return "no signatures";
        }
        return checks.stream().map(c -> "key " + (c.fingerprint() != null ? c.fingerprint() : c.keyId()) + ": "
                + c.status().name().toLowerCase(Locale.ROOT).replace('_', ' ') + " (" + c.detail() + ")")
                .collect(Collectors.joining("; "));
    }

    /** Checks every signature packet in {@code signaturePackets} over {@code data}. */
    List<SignatureCheck> checkSignatures(byte[] data, byte[] signaturePackets) throws DebFormatException {
        List<PGPSignature> signatures = readSignatures(signaturePackets);
        List<SignatureCheck> out = new ArrayList<>();
        for (PGPSignature sig : signatures) {
            out.add(check(sig, data));
        }
        return out;
    }

    private static List<PGPSignature> readSignatures(byte[] packets) throws DebFormatException {
        List<PGPSignature> out = new ArrayList<>();
        try {
            BcPGPObjectFactory f = new BcPGPObjectFactory(packets);
            for (Object o = f.nextObject(); o != null; o = f.nextObject()) {
                if (!(o instanceof PGPSignatureList list)) {
                    throw new DebFormatException("signature data holds a " + o.getClass().getSimpleName() + " packet");
                }
                list.forEach(out::add);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DebFormatException d) {
                throw d;
            }
            throw new DebFormatException("malformed OpenPGP signature: " + e.getMessage(), -1, -1, e);
        }
        if (out.isEmpty()) {
            throw new DebFormatException("no signature packets");
        }
        return out;
    }

    private SignatureCheck check(PGPSignature sig, byte[] data) {
        String keyId = String.format("%016X", sig.getKeyID());
        if (sig.getVersion() < 4) {
            return new SignatureCheck(keyId, null, SignatureCheck.Status.UNUSABLE, "version " + sig.getVersion() + " signature");
        }
        int type = sig.getSignatureType();
        if (type != PGPSignature.BINARY_DOCUMENT && type != PGPSignature.CANONICAL_TEXT_DOCUMENT) {
            return new SignatureCheck(keyId, null, SignatureCheck.Status.UNUSABLE, "not a document signature (type " + type + ")");
        }
        PGPPublicKey key = null;
        PGPSignatureSubpacketVector hashed = sig.getHashedSubPackets();
        IssuerFingerprint issuer = hashed == null ? null : hashed.getIssuerFingerprint();
        if (issuer != null) {
            key = keyring.byFingerprint(issuer.getFingerprint());
        }
        PGPPublicKeyRing ring = null;
        if (key == null && sig.getKeyID() != 0) {
            ring = keyring.ringOf(sig.getKeyID());
            key = ring == null ? null : ring.getPublicKey(sig.getKeyID());
        }
        if (key == null) {
            return new SignatureCheck(keyId, null, SignatureCheck.Status.NO_PUBLIC_KEY, "public key not in the keyring");
        }
        if (ring == null) {
            ring = keyring.ringOf(key.getKeyID());
        }
        String fpr = Keyring.fingerprint(key);
        PGPPublicKey primary = Keyring.primary(ring);
        String primaryFpr = Keyring.fingerprint(primary);
        if (!policy.signedBy().isEmpty() && !policy.signedBy().contains(fpr) && !policy.signedBy().contains(primaryFpr)) {
            return new SignatureCheck(keyId, fpr, SignatureCheck.Status.NOT_ALLOWED, "key not in the Signed-By list");
        }
        try {
            if (!verifies(sig, key, data)) {
                return new SignatureCheck(keyId, fpr, SignatureCheck.Status.BAD, "signature does not match the signed data");
            }
        } catch (PGPException | RuntimeException e) {
            return new SignatureCheck(keyId, fpr, SignatureCheck.Status.UNUSABLE, "cannot verify: " + e.getMessage());
        }
        String weakHash = weakHash(sig.getHashAlgorithm());
        if (weakHash != null) {
            return new SignatureCheck(keyId, fpr, SignatureCheck.Status.WEAK, weakHash + " digest is not considered secure");
        }
        String weakKey = weakKey(key);
        if (weakKey != null) {
            return new SignatureCheck(keyId, fpr, SignatureCheck.Status.WEAK, weakKey);
        }
        if (primary.hasRevocation() || (key != primary && key.hasRevocation())) {
            return new SignatureCheck(keyId, fpr, SignatureCheck.Status.REVOKED_KEY, "key is revoked");
        }
        Instant created = sig.getCreationTime().toInstant();
        if (created.isBefore(key.getCreationTime().toInstant())) {
            return new SignatureCheck(keyId, fpr, SignatureCheck.Status.UNUSABLE, "signature is older than its key");
        }
        if (created.isAfter(policy.now().plus(policy.maxFuture()))) {
            return new SignatureCheck(keyId, fpr, SignatureCheck.Status.UNUSABLE, "signature made in the future (" + created + ")");
        }
        long sigExpiry = hashed == null ? 0 : hashed.getSignatureExpirationTime();
        if (sigExpiry > 0 && policy.now().isAfter(created.plusSeconds(sigExpiry))) {
            return new SignatureCheck(keyId, fpr, SignatureCheck.Status.UNUSABLE, "signature expired on " + created.plusSeconds(sigExpiry));
        }
        for (PGPPublicKey k : key == primary ? List.of(primary) : List.of(primary, key)) {
            long valid = k.getValidSeconds();
            if (valid > 0) {
                Instant expiry = k.getCreationTime().toInstant().plusSeconds(valid);
                if (policy.now().isAfter(expiry) || created.isAfter(expiry)) {
                    return new SignatureCheck(keyId, fpr, SignatureCheck.Status.EXPIRED_KEY,
                            "key " + Keyring.fingerprint(k) + " expired on " + expiry);
                }
            }
        }
        if (key != primary && !subkeyBound(primary, key)) {
            return new SignatureCheck(keyId, fpr, SignatureCheck.Status.UNUSABLE, "subkey has no valid binding signature");
        }
        return new SignatureCheck(keyId, fpr, SignatureCheck.Status.GOOD, "good signature, made " + created);
    }

    /**
     * Checks the signature with the JDK's providers, whose RSA uses the JIT's big-integer intrinsics
     * (several times faster than BouncyCastle's pure-Java arithmetic); BouncyCastle's lightweight
     * implementation is the fallback for algorithms the JDK lacks.
     */
    private static boolean verifies(PGPSignature sig, PGPPublicKey key, byte[] data) throws PGPException {
        if (sig.getVersion() == 4) {
            // BouncyCastle canonicalises text signatures one byte at a time through the digest, which
            // made verification several times slower than gpgv; the data is canonicalised here in bulk
            // and hashed with the v4 trailer, exactly as PGPSignature.verify() does.
            byte[] signed = sig.getSignatureType() == PGPSignature.CANONICAL_TEXT_DOCUMENT ? canonicalText(data) : data;
            org.bouncycastle.openpgp.operator.PGPContentVerifier verifier;
            try {
                verifier = JCA.get(sig.getKeyAlgorithm(), sig.getHashAlgorithm()).build(key);
            } catch (PGPException | RuntimeException e) {
                verifier = new BcPGPContentVerifierBuilderProvider().get(sig.getKeyAlgorithm(), sig.getHashAlgorithm()).build(key);
            }
            try (java.io.OutputStream out = verifier.getOutputStream()) {
                out.write(signed);
                out.write(sig.getSignatureTrailer());
            } catch (IOException e) {
                throw new PGPException("cannot hash the signed data", e);
            }
            return verifier.verify(sig.getSignature());
        }
        try {
            sig.init(JCA, key);
        } catch (PGPException | RuntimeException e) {
            sig.init(new BcPGPContentVerifierBuilderProvider(), key);
        }
        sig.update(data);
        return sig.verify();
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
        return java.util.Arrays.copyOf(out, n);
    }

    private static final org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider JCA =
            new org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider();

    /** True when a strong, valid subkey binding signature by {@code primary} covers {@code subkey}. */
    private static boolean subkeyBound(PGPPublicKey primary, PGPPublicKey subkey) {
        Iterator<PGPSignature> it = subkey.getSignaturesOfType(PGPSignature.SUBKEY_BINDING);
        while (it.hasNext()) {
            PGPSignature binding = it.next();
            if (weakHash(binding.getHashAlgorithm()) != null) {
                continue;
            }
            try {
                binding.init(new BcPGPContentVerifierBuilderProvider(), primary);
                if (binding.verifyCertification(primary, subkey)) {
                    return true;
                }
            } catch (PGPException | RuntimeException e) {
                // An unverifiable binding does not bind; try the next one.
            }
        }
        return false;
    }

    /** apt's untrusted digests (methods/gpgv.cc, Sequoia's default policy since 2026-02-01 for SHA-1). */
    private static String weakHash(int algorithm) {
        return switch (algorithm) {
            case HashAlgorithmTags.MD5 -> "MD5";
            case HashAlgorithmTags.SHA1 -> "SHA1";
            case HashAlgorithmTags.RIPEMD160 -> "RIPEMD160";
            case HashAlgorithmTags.SHA256, HashAlgorithmTags.SHA384, HashAlgorithmTags.SHA512, HashAlgorithmTags.SHA224,
                    HashAlgorithmTags.SHA3_256, HashAlgorithmTags.SHA3_512 -> null;
            default -> "hash algorithm " + algorithm;
        };
    }

    /** apt's APT::Key::Assert-Pubkey-Algo default {@code >=rsa2048,ed25519,ed448,nistp256,...}: no DSA, no small RSA. */
    private static String weakKey(PGPPublicKey key) {
        int alg = key.getAlgorithm();
        return switch (alg) {
            // 3 is RSA sign-only (deprecated in RFC 4880, still found in old keys).
            case PublicKeyAlgorithmTags.RSA_GENERAL, 3 ->
                    key.getBitStrength() < 2048 ? "RSA key of " + key.getBitStrength() + " bits is too weak" : null;
            case PublicKeyAlgorithmTags.EDDSA_LEGACY, PublicKeyAlgorithmTags.Ed25519, PublicKeyAlgorithmTags.Ed448,
                    PublicKeyAlgorithmTags.ECDSA -> null;
            case PublicKeyAlgorithmTags.DSA -> "DSA keys are no longer accepted";
            default -> "public key algorithm " + alg + " is not accepted";
        };
    }

    static String hex(byte[] b) {
        return HexFormat.of().withUpperCase().formatHex(b);
    }
}
