package org.aptostree.openpgp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.bouncycastle.openpgp.PGPSignature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Armored keyrings and signatures, read by BouncyCastle's ArmoredInputStream, judged against sqv, which apt 3 hands
 * {@code .asc} keyrings and signatures as they are, and against gpg, which apt's gpgv path uses. The project's own
 * armor parser (deb-java's {@code Armor}) was dropped for BouncyCastle's after comparing them on these cases:
 * <ul>
 * <li>a wrong CRC-24: it refused the key, where apt's own de-armoring and sqv ignore the checksum (so do we now);</li>
 * <li>text before the block: the keyring loader refused it, where apt's de-armoring and sqv skip it (we now do);</li>
 * <li>no blank line after the header line: it took the key, like sqv (apt 3); RFC 4880 requires the line, gpg
 *     refuses the block, and apt 2.6's de-armoring only starts after the blank line, so it drops the key. We refuse.</li>
 * </ul>
 */
class KeyringTest {
    private static final byte[] DATA = "signed data\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    /** Our verdict and sqv's on a signature by {@link CraftedKey.Case#GOOD} with this keyring and signature data. */
    private List<Boolean> oursAndSqv(String keyring, byte[] signature) throws Exception {
        Path k = Files.writeString(dir.resolve("k.asc"), keyring);
        Path s = Files.write(dir.resolve("d.sig"), signature);
        Path d = Files.write(dir.resolve("d"), DATA);
        boolean ours;
        try {
            ours = !new SignatureVerifier(Keyring.parse(keyring.getBytes(StandardCharsets.US_ASCII)), SignaturePolicy.at(Instant.now()))
                    .verify(DATA, signature).good().isEmpty();
        } catch (OpenPgpFormatException | RejectedSignatureException e) {
            ours = false;
        }
        return List.of(ours, RealVerifiers.sqv(k, s, d).accepted());
    }

    private static byte[] signature() {
        return CraftedKey.of(CraftedKey.Case.GOOD).sign(DATA, PGPSignature.BINARY_DOCUMENT);
    }

    /** Replaces the CRC-24 line ({@code =XXXX} before the END line) with another checksum. */
    private static String wrongChecksum(String armored) {
        int at = armored.lastIndexOf("\n=") + 2;
        return armored.substring(0, at) + (armored.charAt(at) == 'A' ? 'B' : 'A') + armored.substring(at + 1);
    }

    @Test
    void wrongArmorChecksumIsIgnoredAsSqvAndAptIgnoreIt() throws Exception {
        RealVerifiers.requireInstalled();
        String armored = CraftedKey.of(CraftedKey.Case.GOOD).armoredPublicKey();
        assertTrue(armored.contains("\n="), armored);
        byte[] armoredSignature = CraftedKey.armor(signature()).getBytes(StandardCharsets.US_ASCII);
        assertEquals(List.of(true, true), oursAndSqv(wrongChecksum(armored), signature()));
        assertEquals(List.of(true, true), oursAndSqv(armored,
                wrongChecksum(new String(armoredSignature, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void checksumLineHeadersAndSurroundingTextAreOptional() throws Exception {
        RealVerifiers.requireInstalled();
        String armored = CraftedKey.of(CraftedKey.Case.GOOD).armoredPublicKey();
        String withoutChecksum = armored.replaceAll("\n=[A-Za-z0-9+/]{4}\n", "\n");
        String withHeaders = armored.replaceFirst("-----\n", "-----\nComment: a comment\nVersion: x\n");
        String withText = "a key follows\n" + armored + "trailing text\n";
        for (String variant : List.of(withoutChecksum, withHeaders, withText)) {
            assertEquals(List.of(true, true), oursAndSqv(variant, signature()), variant);
        }
    }

    @Test
    void severalArmoredBlocksAreOneKeyring() throws Exception {
        RealVerifiers.requireInstalled();
        String two = CraftedKey.of(CraftedKey.Case.GOOD_RSA).armoredPublicKey() + CraftedKey.of(CraftedKey.Case.GOOD).armoredPublicKey();
        assertEquals(2, Keyring.parse(two.getBytes(StandardCharsets.US_ASCII)).size());
        assertEquals(List.of(true, true), oursAndSqv(two, signature()));
    }

    @Test
    void blankLineAfterTheHeaderLineIsRequiredAsGpgRequiresIt() throws Exception {
        RealVerifiers.requireInstalled();
        String armored = CraftedKey.of(CraftedKey.Case.GOOD).armoredPublicKey();
        assertTrue(armored.startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n"), armored);
        String noBlank = armored.replaceFirst("-----\n\n", "-----\n");
        assertThrows(OpenPgpFormatException.class, () -> Keyring.parse(noBlank.getBytes(StandardCharsets.US_ASCII)));
        Path home = Files.createDirectory(dir.resolve("gnupg"));
        Process gpg = new ProcessBuilder("gpg", "--homedir", home.toString(), "--dearmor").redirectErrorStream(true).start();
        gpg.getOutputStream().write(noBlank.getBytes(StandardCharsets.US_ASCII));
        gpg.getOutputStream().close();
        gpg.getInputStream().readAllBytes();
        assertFalse(gpg.waitFor() == 0, "gpg --dearmor took an armored block without the blank line");
    }

    @Test
    void keyringsHoldPublicKeysOnly() {
        // apt takes a binary keyring only when its first packet is a public key.
        byte[] signaturePackets = signature();
        OpenPgpFormatException e = assertThrows(OpenPgpFormatException.class, () -> Keyring.parse(signaturePackets));
        assertTrue(e.getMessage().contains("not an OpenPGP keyring"), e.getMessage());
        String armoredSignature = CraftedKey.armor(signaturePackets);
        assertThrows(OpenPgpFormatException.class, () -> Keyring.parse(armoredSignature.getBytes(StandardCharsets.US_ASCII)));
        assertThrows(OpenPgpFormatException.class, () -> Keyring.parse(new byte[0]));
    }

    @Test
    void encodedKeyringReadsBackToTheSameCertificates() throws Exception {
        byte[] two = concat(CraftedKey.of(CraftedKey.Case.GOOD_SUBKEY).publicKeyring(), CraftedKey.of(CraftedKey.Case.GOOD).publicKeyring());
        Keyring k = Keyring.parse(two);
        assertEquals(List.of(CraftedKey.of(CraftedKey.Case.GOOD_SUBKEY).primaryFingerprint(), CraftedKey.of(CraftedKey.Case.GOOD).primaryFingerprint()),
                k.fingerprints());
        assertEquals(k.fingerprints(), Keyring.parse(k.encoded()).fingerprints());
        assertArrayEquals(two, k.encoded());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
