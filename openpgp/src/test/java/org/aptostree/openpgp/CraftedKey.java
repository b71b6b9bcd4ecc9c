package org.aptostree.openpgp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.bcpg.sig.RevocationReasonTags;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;

/**
 * A certificate made with BouncyCastle for one case of the signature policy, with the key that signs for it. The
 * certificates are dated a month before the moment they are made, and sign an hour before it, so that gpgv and sqv,
 * which judge at the current time, and our verifier at {@link SignaturePolicy#at(Instant) now} see the same case.
 */
public final class CraftedKey {
    private static final Map<Case, CraftedKey> MADE = new EnumMap<>(Case.class);

    /** The cases: three good certificates and one for each way a signature must be refused. */
    public enum Case {
        /** Ed25519 primary key that signs. */
        GOOD(null, null),
        /** Ed25519 primary key for certification and a bound, cross-certified Ed25519 signing subkey. */
        GOOD_SUBKEY(null, null),
        /** RSA-2048 primary key that signs (SHA-256). */
        GOOD_RSA(null, null),
        /** A signing subkey whose binding signature was made by another key, so it is not bound to its primary. */
        UNBOUND_SUBKEY(SignatureCheck.Status.UNUSABLE_KEY, "not bound to its primary key"),
        /** A bound subkey whose key flags allow encryption only. */
        SUBKEY_WITHOUT_SIGN_FLAG(SignatureCheck.Status.UNUSABLE_KEY, "not marked for signing"),
        /** A subkey bound for signing without the subkey's primary-key binding (back-)signature. */
        SUBKEY_WITHOUT_BACK_SIGNATURE(SignatureCheck.Status.UNUSABLE_KEY, "not cross-certified"),
        /** A bound signing subkey that its primary key revoked. */
        REVOKED_SUBKEY(SignatureCheck.Status.REVOKED_KEY, "subkey is revoked"),
        /** A primary key that expired a day after it was made. */
        EXPIRED_PRIMARY(SignatureCheck.Status.EXPIRED_KEY, "expired on"),
        /** An RSA primary key of 1024 bits. */
        RSA_1024(SignatureCheck.Status.WEAK, "1024 bits"),
        /** A good RSA-2048 key signing with SHA-1. */
        SHA1(SignatureCheck.Status.WEAK, "SHA1");

        private final SignatureCheck.Status refusal;
        private final String reason;

        Case(SignatureCheck.Status refusal, String reason) {
            this.refusal = refusal;
            this.reason = reason;
        }

        /** Whether a signature by this case's key must be accepted. */
        public boolean good() {
            return refusal == null;
        }

        /** The verdict a refused case must get, or null for a good one. */
        public SignatureCheck.Status refusal() {
            return refusal;
        }

        /** A part of the reason our verifier must give, or null. */
        public String reason() {
            return reason;
        }
    }

    private final Case which;
    private final PGPPublicKeyRing certificate;
    private final PGPPublicKey signingKey;
    private final PGPPrivateKey privateKey;
    private final Instant made;

    private CraftedKey(Case which, PGPPublicKeyRing certificate, PGPPublicKey signingKey, PGPPrivateKey privateKey, Instant made) {
        this.which = which;
        this.certificate = certificate;
        this.signingKey = signingKey;
        this.privateKey = privateKey;
        this.made = made;
    }

    /** The certificate of a case, made once per JVM (RSA key generation is slow). */
    public static synchronized CraftedKey of(Case which) {
        CraftedKey k = MADE.get(which);
        if (k == null) {
            try {
                Instant now = Instant.now();
                k = make(which, now, now.minus(Duration.ofDays(30)), which == Case.EXPIRED_PRIMARY ? Duration.ofDays(1).toSeconds() : 0);
            } catch (PGPException e) {
                throw new IllegalStateException("cannot craft the " + which + " certificate", e);
            }
            MADE.put(which, k);
        }
        return k;
    }

    /** A good Ed25519 signing key created at {@code created}, valid for {@code validSeconds} (0: no expiry). */
    public static CraftedKey signingKey(Instant created, long validSeconds) {
        try {
            return make(Case.GOOD, created.plus(Duration.ofDays(30)), created, validSeconds);
        } catch (PGPException e) {
            throw new IllegalStateException("cannot craft a signing key", e);
        }
    }

    public Case which() {
        return which;
    }

    /** The certificate as a binary keyring (what {@code gpg --export} writes). */
    public byte[] publicKeyring() {
        try {
            return certificate.getEncoded();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The certificate as an armored key block. */
    public String armoredPublicKey() {
        return armor(publicKeyring());
    }

    /** Upper-case hex fingerprint of the key that signs (a subkey in the subkey cases). */
    public String signingFingerprint() {
        return HexFormat.of().withUpperCase().formatHex(signingKey.getFingerprint());
    }

    /** Upper-case hex fingerprint of the primary key. */
    public String primaryFingerprint() {
        return HexFormat.of().withUpperCase().formatHex(certificate.getPublicKey().getFingerprint());
    }

    /** When the certificate was made; signatures are dated an hour before. */
    public Instant made() {
        return made;
    }

    /** The digest the case signs with: SHA-1 in the SHA1 case, SHA-256 for GOOD_RSA, else SHA-512. */
    public int digest() {
        return which == Case.SHA1 ? HashAlgorithmTags.SHA1 : which == Case.GOOD_RSA ? HashAlgorithmTags.SHA256 : HashAlgorithmTags.SHA512;
    }

    /** A binary detached signature of {@code data} with the case's {@link #digest()}, an hour old. */
    public byte[] sign(byte[] data, int signatureType) {
        return sign(data, signatureType, digest(), made.minus(Duration.ofHours(1)));
    }

    /** A binary detached signature of {@code data} of the given type and digest, dated {@code when}. */
    public byte[] sign(byte[] data, int signatureType, int hash, Instant when) {
        try {
            PGPSignatureGenerator g = new PGPSignatureGenerator(new BcPGPContentSignerBuilder(signingKey.getAlgorithm(), hash), signingKey);
            g.init(signatureType, privateKey);
            PGPSignatureSubpacketGenerator sub = new PGPSignatureSubpacketGenerator();
            sub.setSignatureCreationTime(false, Date.from(when));
            sub.setIssuerFingerprint(false, signingKey);
            g.setHashedSubpackets(sub.generate());
            g.update(data);
            return g.generate().getEncoded();
        } catch (PGPException | IOException e) {
            throw new IllegalStateException("cannot sign with the " + which + " key", e);
        }
    }

    /** Armors binary packets with BouncyCastle's writer, which names the block by the first packet. */
    public static String armor(byte[] packets) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = ArmoredOutputStream.builder().clearHeaders().build(bytes)) {
            out.write(packets);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toString(StandardCharsets.US_ASCII);
    }

    private static CraftedKey make(Case which, Instant now, Instant createdAt, long validSeconds) throws PGPException {
        Date created = Date.from(createdAt);
        boolean subkeyCase = switch (which) {
            case GOOD_SUBKEY, UNBOUND_SUBKEY, SUBKEY_WITHOUT_SIGN_FLAG, SUBKEY_WITHOUT_BACK_SIGNATURE, REVOKED_SUBKEY -> true;
            default -> false;
        };
        PGPKeyPair primary = switch (which) {
            case GOOD_RSA, SHA1 -> rsa(2048, created);
            case RSA_1024 -> rsa(1024, created);
            default -> ed25519(created);
        };
        PGPSignatureSubpacketGenerator self = new PGPSignatureSubpacketGenerator();
        self.setSignatureCreationTime(false, created);
        self.setIssuerFingerprint(false, primary.getPublicKey());
        self.setKeyFlags(true, subkeyCase ? KeyFlags.CERTIFY_OTHER : KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
        if (validSeconds > 0) {
            self.setKeyExpirationTime(true, validSeconds);
        }
        PGPKeyRingGenerator rings = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, primary,
                which.name().toLowerCase(java.util.Locale.ROOT) + "@crafted.example.org",
                new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1), self.generate(), null,
                new BcPGPContentSignerBuilder(primary.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA512), null);
        PGPKeyPair subkey = null;
        if (subkeyCase) {
            subkey = ed25519(created);
            PGPSignatureSubpacketGenerator binding = new PGPSignatureSubpacketGenerator();
            binding.setSignatureCreationTime(false, created);
            binding.setIssuerFingerprint(false, primary.getPublicKey());
            binding.setKeyFlags(true, which == Case.SUBKEY_WITHOUT_SIGN_FLAG
                    ? KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE : KeyFlags.SIGN_DATA);
            if (which != Case.SUBKEY_WITHOUT_BACK_SIGNATURE && which != Case.SUBKEY_WITHOUT_SIGN_FLAG) {
                embed(binding, backSignature(primary, subkey, created));
            }
            rings.addSubKey(subkey, binding.generate(), null);
        }
        PGPPublicKeyRing certificate = rings.generatePublicKeyRing();
        PGPSecretKeyRing secret = rings.generateSecretKeyRing();
        PGPPublicKey signing = certificate.getPublicKey();
        if (subkey != null) {
            signing = certificate.getPublicKey(subkey.getKeyID());
            if (which == Case.UNBOUND_SUBKEY) {
                signing = rebindByStranger(primary, subkey, signing, created);
            } else if (which == Case.REVOKED_SUBKEY) {
                signing = revoke(primary, signing, Date.from(now.minus(Duration.ofDays(2))));
            }
            certificate = PGPPublicKeyRing.insertPublicKey(certificate, signing);
        }
        PGPSecretKey secretKey = secret.getSecretKey(signing.getKeyID());
        PGPPrivateKey privateKey = secretKey.extractPrivateKey(
                new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider()).build(new char[0]));
        return new CraftedKey(which, certificate, signing, privateKey, now);
    }

    /** The subkey with its binding replaced by one that another key made (with the primary's issuer fingerprint). */
    private static PGPPublicKey rebindByStranger(PGPKeyPair primary, PGPKeyPair subkey, PGPPublicKey bound, Date created)
            throws PGPException {
        PGPPublicKey unbound = bound;
        for (PGPSignature s : List.copyOf(iterable(bound.getSignaturesOfType(PGPSignature.SUBKEY_BINDING)))) {
            unbound = PGPPublicKey.removeCertification(unbound, s);
        }
        PGPSignature back = backSignature(primary, subkey, created);
        PGPSignatureGenerator g = generator(ed25519(created), PGPSignature.SUBKEY_BINDING, created, primary.getPublicKey(), sub -> {
            sub.setKeyFlags(true, KeyFlags.SIGN_DATA);
            embed(sub, back);
        });
        return PGPPublicKey.addCertification(unbound, g.generateCertification(primary.getPublicKey(), subkey.getPublicKey()));
    }

    /** The subkey's primary-key binding signature, which a signing subkey's binding must embed. */
    private static PGPSignature backSignature(PGPKeyPair primary, PGPKeyPair subkey, Date created) throws PGPException {
        return generator(subkey, PGPSignature.PRIMARYKEY_BINDING, created, subkey.getPublicKey(), sub -> {
        }).generateCertification(primary.getPublicKey(), subkey.getPublicKey());
    }

    private static void embed(PGPSignatureSubpacketGenerator binding, PGPSignature backSignature) throws PGPException {
        try {
            binding.addEmbeddedSignature(false, backSignature);
        } catch (IOException e) {
            throw new PGPException("cannot embed the back-signature", e);
        }
    }

    private static PGPPublicKey revoke(PGPKeyPair primary, PGPPublicKey subkey, Date when) throws PGPException {
        PGPSignatureGenerator g = generator(primary, PGPSignature.SUBKEY_REVOCATION, when, primary.getPublicKey(),
                sub -> sub.setRevocationReason(false, RevocationReasonTags.KEY_COMPROMISED, "crafted for a test"));
        return PGPPublicKey.addCertification(subkey, g.generateCertification(primary.getPublicKey(), subkey));
    }

    private interface Subpackets {
        void add(PGPSignatureSubpacketGenerator sub) throws PGPException;
    }

    /** A SHA-512 signature generator of {@code type} by {@code signer}, dated {@code when}, naming {@code issuer}. */
    private static PGPSignatureGenerator generator(PGPKeyPair signer, int type, Date when, PGPPublicKey issuer, Subpackets more)
            throws PGPException {
        PGPSignatureGenerator g = new PGPSignatureGenerator(
                new BcPGPContentSignerBuilder(signer.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA512), signer.getPublicKey());
        g.init(type, signer.getPrivateKey());
        PGPSignatureSubpacketGenerator sub = new PGPSignatureSubpacketGenerator();
        sub.setSignatureCreationTime(false, when);
        sub.setIssuerFingerprint(false, issuer);
        more.add(sub);
        g.setHashedSubpackets(sub.generate());
        return g;
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    private static PGPKeyPair ed25519(Date created) throws PGPException {
        Ed25519KeyPairGenerator gen = new Ed25519KeyPairGenerator();
        gen.init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        return new BcPGPKeyPair(PublicKeyAlgorithmTags.EDDSA_LEGACY, gen.generateKeyPair(), created);
    }

    private static PGPKeyPair rsa(int bits, Date created) throws PGPException {
        RSAKeyPairGenerator gen = new RSAKeyPairGenerator();
        gen.init(new RSAKeyGenerationParameters(BigInteger.valueOf(0x10001), new SecureRandom(), bits, 80));
        AsymmetricCipherKeyPair kp = gen.generateKeyPair();
        return new BcPGPKeyPair(PublicKeyAlgorithmTags.RSA_GENERAL, kp, created);
    }
}
