package org.aptostree.openpgp;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;

/**
 * Trusted OpenPGP certificates, as apt's Signed-By or trusted.gpg.d and OSTree's {@code gpgkeypath} or
 * {@code <remote>.trustedkeys.gpg} give them: binary keyrings and ASCII-armored key blocks, several files merged.
 * A keyring's content is trusted as given; whether one of its keys may make a given signature is decided by
 * {@link SignatureVerifier} when it checks that signature.
 */
public final class Keyring {
    private final List<PGPPublicKeyRing> certificates;

    private Keyring(List<PGPPublicKeyRing> certificates) {
        this.certificates = List.copyOf(certificates);
    }

    /** Loads and merges keyring files (binary or armored, told apart by content); an error names the file. */
    public static Keyring load(List<Path> files) throws IOException {
        List<PGPPublicKeyRing> certificates = new ArrayList<>();
        for (Path f : files) {
            try {
                certificates.addAll(parse(Files.readAllBytes(f)).certificates);
            } catch (OpenPgpFormatException e) {
                throw new OpenPgpFormatException("keyring " + f + ": " + e.getMessage(), e);
            }
        }
        return new Keyring(certificates);
    }

    /** Loads and merges keyring files. */
    public static Keyring load(Path... files) throws IOException {
        return load(List.of(files));
    }

    /**
     * Parses one keyring: armored ({@code -----BEGIN PGP PUBLIC KEY BLOCK-----}, possibly several blocks) or
     * binary public-key packets.
     *
     * @throws OpenPgpFormatException when the data is not a keyring of at least one certificate
     */
    public static Keyring parse(byte[] data) throws OpenPgpFormatException {
        byte[] binary = armored(data) ? dearmor(data, "PUBLIC KEY BLOCK") : data;
        if (binary.length == 0) {
            throw new OpenPgpFormatException("empty keyring");
        }
        // apt takes a binary keyring only when it starts with a public-key packet (old format 0x98, 0x99; new 0xc6).
        int tag = binary[0] & 0xff;
        if (tag != 0x98 && tag != 0x99 && tag != 0xc6) {
            throw new OpenPgpFormatException("not an OpenPGP keyring (its first packet is not a public key)");
        }
        List<PGPPublicKeyRing> certificates = objects(binary, PGPPublicKeyRing.class, "keyring");
        if (certificates.isEmpty()) {
            throw new OpenPgpFormatException("keyring holds no public key");
        }
        return new Keyring(certificates);
    }

    /** True when {@code data} is text, which armor is: binary OpenPGP data starts with a packet tag, whose high bit is set. */
    static boolean armored(byte[] data) {
        return data.length > 0 && (data[0] & 0x80) == 0;
    }

    /**
     * The packets of the armored blocks in {@code data}, by BouncyCastle's reader. The CRC-24 line is not checked:
     * RFC 9580 §6.1 forbids refusing data for it, apt's own de-armoring skips it and sqv ignores it.
     */
    static byte[] dearmor(byte[] data, String type) throws OpenPgpFormatException {
        try (ArmoredInputStream in = ArmoredInputStream.builder().setIgnoreCRC(true).build(new ByteArrayInputStream(data))) {
            String header = in.getArmorHeaderLine();
            if (header == null) {
                throw new OpenPgpFormatException("neither binary OpenPGP data nor an armored PGP " + type);
            }
            if (!header.equals("-----BEGIN PGP " + type + "-----")) {
                throw new OpenPgpFormatException("expected an armored PGP " + type + ", found " + header);
            }
            return in.readAllBytes();
        } catch (OpenPgpFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new OpenPgpFormatException("malformed armored PGP " + type + ": " + e.getMessage(), e);
        }
    }

    /** The objects BouncyCastle reads from binary OpenPGP data, each of which must be a {@code T}; marker packets are skipped. */
    static <T> List<T> objects(byte[] binary, Class<T> type, String what) throws OpenPgpFormatException {
        List<T> out = new ArrayList<>();
        try {
            BcPGPObjectFactory packets = new BcPGPObjectFactory(binary);
            for (Object o = packets.nextObject(); o != null; o = packets.nextObject()) {
                if (type.isInstance(o)) {
                    out.add(type.cast(o));
                } else if (!(o instanceof PGPMarker)) {
                    throw new OpenPgpFormatException(what + " holds a " + o.getClass().getSimpleName() + " packet");
                }
            }
        } catch (OpenPgpFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new OpenPgpFormatException("malformed OpenPGP " + what + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Upper-case hex fingerprints of the certificates' primary keys. */
    public List<String> fingerprints() {
        return certificates.stream().map(c -> fingerprint(c.getPublicKey())).toList();
    }

    /** The number of certificates. */
    public int size() {
        return certificates.size();
    }

    /** The certificates as one binary keyring (what {@code gpg --export} writes). */
    public byte[] encoded() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            for (PGPPublicKeyRing c : certificates) {
                c.encode(out, true);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("in-memory stream failed", e);
        }
        return out.toByteArray();
    }

    /** The certificate holding the (sub)key with this fingerprint, or null. */
    PGPPublicKeyRing certificateOf(byte[] fingerprint) {
        for (PGPPublicKeyRing c : certificates) {
            if (c.getPublicKey(fingerprint) != null) {
                return c;
            }
        }
        return null;
    }

    /** The certificate holding the (sub)key with this key id, or null. */
    PGPPublicKeyRing certificateOf(long keyId) {
        for (PGPPublicKeyRing c : certificates) {
            if (c.getPublicKey(keyId) != null) {
                return c;
            }
        }
        return null;
    }

    static String fingerprint(PGPPublicKey key) {
        return HexFormat.of().withUpperCase().formatHex(key.getFingerprint());
    }
}
