package org.aptostree.deb.verify;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

import org.aptostree.deb.DebFormatException;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;

/**
 * Trusted OpenPGP public keys, as apt's Signed-By or trusted.gpg.d: binary keyrings ({@code .gpg})
 * and armored key blocks ({@code .asc}), several files merged. The content of a keyring file is
 * trusted as given (as apt trusts it); signatures made by its keys are then checked by
 * {@link ReleaseVerifier}.
 */
public final class Keyring {
    private final List<PGPPublicKeyRing> rings;

    private Keyring(List<PGPPublicKeyRing> rings) {
        this.rings = List.copyOf(rings);
    }

    /** Loads and merges keyring files (binary or armored, detected by content). */
    public static Keyring load(List<Path> files) throws IOException {
        List<PGPPublicKeyRing> rings = new ArrayList<>();
        for (Path f : files) {
            try {
                rings.addAll(parse(Files.readAllBytes(f)).rings);
            } catch (DebFormatException e) {
                throw new DebFormatException("keyring " + f + ": " + e.reason(), e.line(), e.offset(), e);
            }
        }
        return new Keyring(rings);
    }

    /** Loads keyring files. */
    public static Keyring load(Path... files) throws IOException {
        return load(List.of(files));
    }

    /**
     * Parses one keyring: armored ({@code -----BEGIN PGP PUBLIC KEY BLOCK-----}, possibly several
     * blocks) or binary packets.
     *
     * @throws DebFormatException when the data is not a keyring
     */
    public static Keyring parse(byte[] data) throws DebFormatException {
        List<PGPPublicKeyRing> rings = new ArrayList<>();
        if (Armor.looksArmored(data)) {
            for (Armor a : Armor.decodeAll(new String(data, StandardCharsets.UTF_8))) {
                if (!a.type().equals("PUBLIC KEY BLOCK")) {
                    throw new DebFormatException("armored keyring holds a PGP " + a.type() + " block");
                }
                rings.addAll(parseBinary(a.binary()));
            }
        } else {
            rings.addAll(parseBinary(data));
        }
        if (rings.isEmpty()) {
            throw new DebFormatException("keyring holds no public key");
        }
        return new Keyring(rings);
    }

    private static List<PGPPublicKeyRing> parseBinary(byte[] data) throws DebFormatException {
        if (data.length == 0) {
            throw new DebFormatException("empty keyring");
        }
        // apt (methods/sqv.cc) accepts only files starting with a public-key packet tag.
        int tag = data[0] & 0xff;
        if (tag != 0x98 && tag != 0x99 && tag != 0xc6) {
            throw DebFormatException.atOffset("not an OpenPGP keyring (first packet is not a public key)", 0);
        }
        try {
            PGPPublicKeyRingCollection c = new PGPPublicKeyRingCollection(new ByteArrayInputStream(data),
                    new BcKeyFingerprintCalculator());
            List<PGPPublicKeyRing> out = new ArrayList<>();
            c.getKeyRings().forEachRemaining(out::add);
            return out;
        } catch (IOException | PGPException | RuntimeException e) {
            throw new DebFormatException("malformed OpenPGP keyring: " + e.getMessage(), -1, -1, e);
        }
    }

    /** The key ring holding the (sub)key with {@code keyId}, or null. */
    PGPPublicKeyRing ringOf(long keyId) {
        for (PGPPublicKeyRing r : rings) {
            if (r.getPublicKey(keyId) != null) {
                return r;
            }
        }
        return null;
    }

    /** The (sub)key with this fingerprint, or null. */
    PGPPublicKey byFingerprint(byte[] fingerprint) {
        for (PGPPublicKeyRing r : rings) {
            PGPPublicKey k = r.getPublicKey(fingerprint);
            if (k != null) {
                return k;
            }
        }
        return null;
    }

    /** Upper-case hex fingerprints of the primary keys. */
    public List<String> fingerprints() {
        List<String> out = new ArrayList<>();
        for (PGPPublicKeyRing r : rings) {
            out.add(fingerprint(r.getPublicKey()));
        }
        return out;
    }

    /** The number of certificates (primary keys). */
    public int size() {
        return rings.size();
    }

    static String fingerprint(PGPPublicKey key) {
        return HexFormat.of().withUpperCase().formatHex(key.getFingerprint());
    }

    static PGPPublicKey primary(PGPPublicKeyRing ring) {
        Iterator<PGPPublicKey> it = ring.getPublicKeys();
        return it.next();
    }
}
