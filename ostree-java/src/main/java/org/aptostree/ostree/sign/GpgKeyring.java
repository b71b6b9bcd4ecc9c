package org.aptostree.ostree.sign;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import org.aptostree.ostree.OstreeFormatException;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/**
 * Trusted OpenPGP public keys, loaded from keyring files (binary or ASCII-armored, public or secret), used to
 * verify the detached signatures OSTree keeps in {@code ostree.gpgsigs}.
 */
public final class GpgKeyring {
    private final List<PGPPublicKey> keys;

    private GpgKeyring(List<PGPPublicKey> keys) {
        this.keys = List.copyOf(keys);
    }

    public static GpgKeyring empty() {
        return new GpgKeyring(List.of());
    }

    public static GpgKeyring load(List<Path> files) throws IOException, OstreeFormatException {
        List<PGPPublicKey> keys = new ArrayList<>();
        for (Path f : files) {
            keys.addAll(read(Files.readAllBytes(f), f.toString()));
        }
        return new GpgKeyring(keys);
    }

    static List<PGPPublicKey> read(byte[] data, String source) throws IOException, OstreeFormatException {
        List<PGPPublicKey> keys = new ArrayList<>();
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(data))) {
            BcPGPObjectFactory factory = new BcPGPObjectFactory(in);
            Object o;
            while ((o = factory.nextObject()) != null) {
                if (o instanceof PGPPublicKeyRing ring) {
                    ring.getPublicKeys().forEachRemaining(keys::add);
                } else if (o instanceof PGPSecretKeyRing ring) {
                    ring.getPublicKeys().forEachRemaining(keys::add);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new OstreeFormatException("cannot read OpenPGP keys from " + source + ": " + e.getMessage(), e);
        }
        if (keys.isEmpty()) {
            throw new OstreeFormatException("no OpenPGP keys in " + source);
        }
        return keys;
    }

    /** The public keys of a keyring file, re-encoded as a binary public keyring (what gpg-import stores). */
    public static byte[] publicKeysOf(Path file) throws IOException, OstreeFormatException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            BcPGPObjectFactory factory = new BcPGPObjectFactory(in);
            Object o;
            while ((o = factory.nextObject()) != null) {
                if (o instanceof PGPPublicKeyRing ring) {
                    ring.encode(out);
                } else if (o instanceof PGPSecretKeyRing ring) {
                    List<PGPPublicKey> pub = new ArrayList<>();
                    ring.getPublicKeys().forEachRemaining(pub::add);
                    new PGPPublicKeyRing(pub).encode(out);
                }
            }
        } catch (RuntimeException e) {
            throw new OstreeFormatException("cannot read OpenPGP keys from " + file + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    public int size() {
        return keys.size();
    }

    /** A good signature: the key that made it (hex key id, primary fingerprint) and when. */
    public record GoodSignature(String keyId, String fingerprint, Instant created) {
    }

    /** The result of checking a set of signatures: the good ones and why the others failed. */
    public record Verification(List<GoodSignature> good, List<String> problems) {
        public boolean valid() {
            return !good.isEmpty();
        }
    }

    /**
     * Checks each signature packet over {@code data}. A signature counts only if it was made by a trusted key
     * that is not revoked or expired at signing time, with a hash no weaker than SHA-256's family.
     */
    public Verification verify(byte[] data, List<byte[]> signatures) {
        List<GoodSignature> good = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (byte[] sigBytes : signatures) {
            for (PGPSignature sig : parseSignatures(sigBytes, problems)) {
                String keyId = String.format("%016X", sig.getKeyID());
                Optional<PGPPublicKey> key = keys.stream().filter(k -> k.getKeyID() == sig.getKeyID()).findFirst();
                if (key.isEmpty()) {
                    problems.add("signature by key " + keyId + ", which is not in the trusted keyring");
                    continue;
                }
                if (isWeak(sig.getHashAlgorithm())) {
                    problems.add("signature by key " + keyId + " uses a weak hash algorithm (" + sig.getHashAlgorithm() + ")");
                    continue;
                }
                PGPPublicKey k = key.get();
                if (k.hasRevocation()) {
                    problems.add("key " + keyId + " is revoked");
                    continue;
                }
                long valid = k.getValidSeconds();
                Instant created = sig.getCreationTime().toInstant();
                if (valid > 0 && created.isAfter(k.getCreationTime().toInstant().plusSeconds(valid))) {
                    problems.add("key " + keyId + " had expired when the signature was made");
                    continue;
                }
                try {
                    sig.init(new BcPGPContentVerifierBuilderProvider(), k);
                    sig.update(data);
                    if (sig.verify()) {
                        good.add(new GoodSignature(keyId, HexFormat.of().withUpperCase().formatHex(k.getFingerprint()), created));
                    } else {
                        problems.add("BAD signature by key " + keyId);
                    }
                } catch (PGPException e) {
                    problems.add("cannot check signature by key " + keyId + ": " + e.getMessage());
                }
            }
        }
        return new Verification(List.copyOf(good), List.copyOf(problems));
    }

    private static boolean isWeak(int hashAlgorithm) {
        return hashAlgorithm == HashAlgorithmTags.MD5 || hashAlgorithm == HashAlgorithmTags.SHA1
                || hashAlgorithm == HashAlgorithmTags.RIPEMD160 || hashAlgorithm == HashAlgorithmTags.MD2;
    }

    private static List<PGPSignature> parseSignatures(byte[] bytes, List<String> problems) {
        List<PGPSignature> out = new ArrayList<>();
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(bytes))) {
            BcPGPObjectFactory factory = new BcPGPObjectFactory(in);
            Object o;
            while ((o = factory.nextObject()) != null) {
                if (o instanceof PGPSignatureList list) {
                    for (Iterator<PGPSignature> it = list.iterator(); it.hasNext();) {
                        out.add(it.next());
                    }
                } else {
                    problems.add("unexpected OpenPGP packet in a signature: " + o.getClass().getSimpleName());
                }
            }
        } catch (IOException | RuntimeException e) {
            problems.add("malformed signature: " + e.getMessage());
        }
        return out;
    }
}
