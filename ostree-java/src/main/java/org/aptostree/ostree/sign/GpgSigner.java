package org.aptostree.ostree.sign;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.aptostree.ostree.OstreeFormatException;
import org.bouncycastle.bcpg.BCPGOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;

/** Makes the binary detached OpenPGP signatures OSTree stores in {@code ostree.gpgsigs}, with SHA-512. */
public final class GpgSigner {
    private final PGPSecretKey secretKey;
    private final PGPPrivateKey privateKey;

    private GpgSigner(PGPSecretKey secretKey, PGPPrivateKey privateKey) {
        this.secretKey = secretKey;
        this.privateKey = privateKey;
    }

    /**
     * Loads a signing key from an exported secret keyring ({@code gpg --export-secret-keys}, armored or not).
     *
     * @param keyId hex key id or fingerprint (suffix match), or null for the first signing-capable key
     */
    public static GpgSigner load(Path keyFile, String keyId, char[] passphrase) throws IOException, OstreeFormatException {
        String wanted = keyId == null ? null : keyId.replace(" ", "").toUpperCase(Locale.ROOT);
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(Files.readAllBytes(keyFile)))) {
            BcPGPObjectFactory factory = new BcPGPObjectFactory(in);
            Object o;
            while ((o = factory.nextObject()) != null) {
                if (!(o instanceof PGPSecretKeyRing ring)) {
                    continue;
                }
                for (PGPSecretKey k : (Iterable<PGPSecretKey>) ring::getSecretKeys) {
                    if (!k.isSigningKey() || k.isPrivateKeyEmpty()) {
                        continue;
                    }
                    String fpr = org.bouncycastle.util.encoders.Hex.toHexString(k.getPublicKey().getFingerprint()).toUpperCase(Locale.ROOT);
                    if (wanted != null && !fpr.endsWith(wanted)) {
                        continue;
                    }
                    PGPPrivateKey priv = k.extractPrivateKey(
                            new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider()).build(passphrase));
                    return new GpgSigner(k, priv);
                }
            }
        } catch (PGPException e) {
            throw new OstreeFormatException("cannot unlock the secret key in " + keyFile + ": " + e.getMessage(), e);
        }
        throw new OstreeFormatException("no usable secret signing key" + (keyId == null ? "" : " " + keyId) + " in " + keyFile);
    }

    /** The signing key's id, as 16 hex digits. */
    public String keyId() {
        return String.format("%016X", secretKey.getKeyID());
    }

    public byte[] sign(byte[] data) throws IOException {
        try {
            PGPSignatureGenerator gen = new PGPSignatureGenerator(
                    new BcPGPContentSignerBuilder(secretKey.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA512),
                    secretKey.getPublicKey());
            gen.init(PGPSignature.BINARY_DOCUMENT, privateKey);
            gen.update(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (BCPGOutputStream bcpg = new BCPGOutputStream(out)) {
                gen.generate().encode(bcpg);
            }
            return out.toByteArray();
        } catch (PGPException e) {
            throw new IOException("signing failed: " + e.getMessage(), e);
        }
    }
}
