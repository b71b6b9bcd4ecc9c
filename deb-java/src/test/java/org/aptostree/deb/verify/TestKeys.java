package org.aptostree.deb.verify;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;

/** Test OpenPGP keys (Ed25519, made with BouncyCastle) and signatures in InRelease / Release.gpg form. */
public final class TestKeys {
    final PGPSecretKeyRing secret;
    final PGPPublicKeyRing publicRing;

    private TestKeys(PGPSecretKeyRing secret, PGPPublicKeyRing publicRing) {
        this.secret = secret;
        this.publicRing = publicRing;
    }

    /** A fresh key created at {@code created}, expiring after {@code validSeconds} (0: never). */
    public static TestKeys generate(String uid, Instant created, long validSeconds) throws Exception {
        Ed25519KeyPairGenerator gen = new Ed25519KeyPairGenerator();
        gen.init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        AsymmetricCipherKeyPair kp = gen.generateKeyPair();
        PGPKeyPair pair = new BcPGPKeyPair(PublicKeyAlgorithmTags.EDDSA_LEGACY, kp, Date.from(created));
        PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
        hashed.setKeyFlags(true, org.bouncycastle.bcpg.sig.KeyFlags.SIGN_DATA | org.bouncycastle.bcpg.sig.KeyFlags.CERTIFY_OTHER);
        if (validSeconds > 0) {
            hashed.setKeyExpirationTime(false, validSeconds);
        }
        hashed.setSignatureCreationTime(false, Date.from(created));
        PGPKeyRingGenerator rings = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, pair, uid,
                new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1), hashed.generate(), null,
                new BcPGPContentSignerBuilder(PublicKeyAlgorithmTags.EDDSA_LEGACY, HashAlgorithmTags.SHA512), null);
        return new TestKeys(rings.generateSecretKeyRing(), rings.generatePublicKeyRing());
    }

    byte[] publicKeyring() throws IOException {
        return publicRing.getEncoded();
    }

    public String armoredPublicKey() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ArmoredOutputStream armor = new ArmoredOutputStream(bytes)) {
            publicRing.encode(armor);
        }
        return bytes.toString(StandardCharsets.US_ASCII);
    }

    /** A binary signature of {@code data} of the given type and digest, made at {@code when}. */
    byte[] sign(byte[] data, int type, int hash, Instant when) throws Exception {
        PGPSignatureGenerator g = new PGPSignatureGenerator(
                new BcPGPContentSignerBuilder(PublicKeyAlgorithmTags.EDDSA_LEGACY, hash), secret.getPublicKey());
        g.init(type, secret.getSecretKey().extractPrivateKey(new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider()).build(new char[0])));
        PGPSignatureSubpacketGenerator sub = new PGPSignatureSubpacketGenerator();
        sub.setSignatureCreationTime(false, Date.from(when));
        sub.setIssuerFingerprint(false, secret.getPublicKey());
        g.setHashedSubpackets(sub.generate());
        g.update(data);
        return g.generate().getEncoded();
    }

    /** An InRelease-style clear-signed file of {@code text} (which ends in a newline). */
    byte[] clearsign(String text, int hash, Instant when) throws Exception {
        ClearSigned unsigned = new ClearSigned(text, new byte[] {1});
        byte[] sig = sign(unsigned.signedBytes(), PGPSignature.CANONICAL_TEXT_DOCUMENT, hash, when);
        StringBuilder b = new StringBuilder("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n");
        for (String line : text.split("\n")) {
            b.append(line.startsWith("-") ? "- " + line : line).append('\n');
        }
        b.append(armor(sig));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String armor(byte[] sig) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream armor = new ArmoredOutputStream(bytes)) {
            armor.write(sig);
        }
        return bytes.toString(StandardCharsets.US_ASCII);
    }
}
