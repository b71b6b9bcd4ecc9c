package org.aptostree.openpgp;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.bcpg.ECPublicBCPGKey;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPPublicKey;

/**
 * What a signature needs besides matching its data, for the APT and the OSTree paths alike.
 *
 * <p>The algorithm rules are apt's as of apt 3, which verifies with {@code sqv} under
 * {@code /usr/share/apt/default-sequoia.config} on top of Sequoia's standard policy; they also cover what apt's
 * {@code gpgv} method refuses (its untrusted digests MD5, SHA-1, RIPEMD-160, and
 * {@code APT::Key::Assert-Pubkey-Algo ">=rsa2048,ed25519,ed448,nistp256,nistp384,nistp512,brainpool…"}).
 * An algorithm with a cut-off date is refused from that date on, judged at the reference time {@link #now()}
 * (as Sequoia judges it, never by the signature's own claimed date):
 * <ul>
 * <li>digests: SHA-256, SHA-384, SHA-512, SHA3-256, SHA3-512; SHA-224 until 2026-02-01; SHA-1 only in
 *     self-signatures (certifications, bindings) and only until 2026-02-01; never MD5 or RIPEMD-160;</li>
 * <li>keys (the signing key and its primary key): RSA of at least 2048 bits (below 3072 bits until 2030-02-01),
 *     EdDSA (Ed25519, Ed448), ECDSA on NIST P-256/384/521, and on brainpool P-256/384/512 until 2028-02-01;
 *     never DSA (apt's cut-off 2024-02-01) or other algorithms.</li>
 * </ul>
 *
 * @param now       the reference time for expiry, revocation and the algorithm cut-offs
 * @param maxFuture how far past {@code now} a signature's creation time may lie (clock skew)
 * @param signers   when not empty, only keys with these fingerprints (upper-case hex, primary key or subkey) may sign,
 *                  as apt's Signed-By fingerprints
 */
public record SignaturePolicy(Instant now, Duration maxFuture, Set<String> signers) {
    private static final Instant SHA224_CUTOFF = Instant.parse("2026-02-01T00:00:00Z");
    private static final Instant SHA1_SELF_SIGNATURE_CUTOFF = Instant.parse("2026-02-01T00:00:00Z");
    private static final Instant RSA2048_CUTOFF = Instant.parse("2030-02-01T00:00:00Z");
    private static final Instant BRAINPOOL_CUTOFF = Instant.parse("2028-02-01T00:00:00Z");

    /** Null checks and an immutable, upper-case fingerprint set. */
    public SignaturePolicy {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(maxFuture, "maxFuture");
        signers = signers.stream().map(s -> s.toUpperCase(Locale.ROOT)).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** The policy at {@code now}, with 10 s of clock skew (apt's {@code Acquire::Max-FutureTime}) and any signer. */
    public static SignaturePolicy at(Instant now) {
        return new SignaturePolicy(now, Duration.ofSeconds(10), Set.of());
    }

    /** The same policy letting only the keys with these fingerprints sign. */
    public SignaturePolicy signedBy(Set<String> fingerprints) {
        return new SignaturePolicy(now, maxFuture, fingerprints);
    }

    /** Why a digest is refused at {@link #now()}, or null when it is accepted. */
    String hashProblem(int algorithm, boolean selfSignature) {
        return switch (algorithm) {
            case HashAlgorithmTags.SHA256, HashAlgorithmTags.SHA384, HashAlgorithmTags.SHA512, HashAlgorithmTags.SHA3_256,
                    HashAlgorithmTags.SHA3_512 -> null;
            case HashAlgorithmTags.SHA224 -> now.isBefore(SHA224_CUTOFF) ? null : "SHA224 digest is no longer accepted (since 2026-02-01)";
            case HashAlgorithmTags.SHA1 -> selfSignature && now.isBefore(SHA1_SELF_SIGNATURE_CUTOFF) ? null
                    : "SHA1 digest is not considered secure";
            case HashAlgorithmTags.MD5 -> "MD5 digest is not considered secure";
            case HashAlgorithmTags.RIPEMD160 -> "RIPEMD160 digest is not considered secure";
            default -> "digest algorithm " + algorithm + " is not accepted";
        };
    }

    /** Why a key may not be trusted for signatures at {@link #now()} by its algorithm or size, or null. */
    String keyProblem(PGPPublicKey key) {
        int algorithm = key.getAlgorithm();
        return switch (algorithm) {
            // 3 is RSA sign-only, deprecated by RFC 4880 but found in old keys.
            case PublicKeyAlgorithmTags.RSA_GENERAL, PublicKeyAlgorithmTags.RSA_SIGN -> {
                int bits = key.getBitStrength();
                if (bits < 2048) {
                    yield "RSA key of " + bits + " bits is too weak (at least 2048 bits)";
                }
                yield bits < 3072 && !now.isBefore(RSA2048_CUTOFF) ? "RSA key of " + bits + " bits is no longer accepted (since 2030-02-01)" : null;
            }
            case PublicKeyAlgorithmTags.Ed25519, PublicKeyAlgorithmTags.Ed448 -> null;
            case PublicKeyAlgorithmTags.EDDSA_LEGACY -> curveProblem(key, Set.of(ED25519), Set.of());
            case PublicKeyAlgorithmTags.ECDSA -> curveProblem(key, Set.of(NIST_P256, NIST_P384, NIST_P521),
                    now.isBefore(BRAINPOOL_CUTOFF) ? Set.of(BRAINPOOL_P256, BRAINPOOL_P384, BRAINPOOL_P512) : Set.of());
            case PublicKeyAlgorithmTags.DSA -> "DSA keys are no longer accepted";
            default -> "public key algorithm " + algorithm + " is not accepted for signatures";
        };
    }

    private static final ASN1ObjectIdentifier ED25519 = new ASN1ObjectIdentifier("1.3.6.1.4.1.11591.15.1");
    private static final ASN1ObjectIdentifier NIST_P256 = new ASN1ObjectIdentifier("1.2.840.10045.3.1.7");
    private static final ASN1ObjectIdentifier NIST_P384 = new ASN1ObjectIdentifier("1.3.132.0.34");
    private static final ASN1ObjectIdentifier NIST_P521 = new ASN1ObjectIdentifier("1.3.132.0.35");
    private static final ASN1ObjectIdentifier BRAINPOOL_P256 = new ASN1ObjectIdentifier("1.3.36.3.3.2.8.1.1.7");
    private static final ASN1ObjectIdentifier BRAINPOOL_P384 = new ASN1ObjectIdentifier("1.3.36.3.3.2.8.1.1.11");
    private static final ASN1ObjectIdentifier BRAINPOOL_P512 = new ASN1ObjectIdentifier("1.3.36.3.3.2.8.1.1.13");

    private static String curveProblem(PGPPublicKey key, Set<ASN1ObjectIdentifier> accepted, Set<ASN1ObjectIdentifier> stillAccepted) {
        if (!(key.getPublicKeyPacket().getKey() instanceof ECPublicBCPGKey ec)) {
            return "elliptic-curve key without a curve";
        }
        ASN1ObjectIdentifier curve = ec.getCurveOID();
        return accepted.contains(curve) || stillAccepted.contains(curve) ? null : "curve " + curve + " is not accepted";
    }
}
