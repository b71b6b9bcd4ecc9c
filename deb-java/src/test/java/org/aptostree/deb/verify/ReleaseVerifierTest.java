package org.aptostree.deb.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.SharedData;
import org.aptostree.openpgp.CraftedKey;
import org.aptostree.openpgp.Keyring;
import org.aptostree.openpgp.SignatureCheck;
import org.aptostree.openpgp.SignaturePolicy;
import org.aptostree.openpgp.SignatureVerifier;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPSignature;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReleaseVerifierTest {
    /** The day the shared mirror was taken; a fixed reference time keeps the test reproducible. */
    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    static CraftedKey key;
    static final String RELEASE = "Origin: Test\nSuite: test\nCodename: t\nDate: Thu, 26 Nov 2026 10:00:00 UTC\n"
            + "Valid-Until: Thu, 03 Dec 2026 10:00:00 UTC\nArchitectures: amd64\nComponents: main\nSHA256:\n"
            + " 2efd6103f013081f8118f4c9f228739bc97bff2e4e1de496f80458c7e72a24ac 56634892 main/binary-amd64/Packages\n";

    @BeforeAll
    static void keys() throws Exception {
        key = CraftedKey.signingKey(Instant.parse("2025-01-01T00:00:00Z"), 0);
    }

    private static ReleaseVerifier verifier(Keyring k) {
        return new ReleaseVerifier(k, VerificationPolicy.at(NOW));
    }

    @ParameterizedTest
    @ValueSource(strings = {"trixie", "bookworm"})
    void realInReleaseVerifiesAgainstTheDebianKeyring(String suite) throws Exception {
        Path inRelease = SharedData.mirror().resolve("dists/" + suite + "/InRelease");
        Keyring debian = Keyring.load(SharedData.keyring());
        VerifiedRelease v = verifier(debian).verifyInRelease(Files.readAllBytes(inRelease));
        assertFalse(v.goodSigners().isEmpty());
        assertTrue(v.signatures().stream().allMatch(s -> s.status() == SignatureCheck.Status.GOOD), v.signatures().toString());
        assertEquals(suite, v.release().codename());
        IndexFile packages = v.release().files().get("main/binary-amd64/Packages.xz");
        assertNotNull(packages.sha256());
        try (InputStream in = Files.newInputStream(SharedData.mirror().resolve("dists/" + suite + "/" + packages.path()))) {
            packages.verify(in);
        }
    }

    @Test
    void changedByteInSignedTextIsRefused() throws Exception {
        byte[] data = Files.readAllBytes(SharedData.mirror().resolve("dists/trixie/InRelease"));
        String text = new String(data, StandardCharsets.UTF_8);
        int at = text.indexOf("Suite: stable") + "Suite: st".length();
        data[at] = (byte) 'X';
        // The data helpers may skip the test: they are called outside assertThrows, which would catch the skip.
        ReleaseVerifier debian = verifier(Keyring.load(SharedData.keyring()));
        DebFormatException e = assertThrows(DebFormatException.class, () -> debian.verifyInRelease(data));
        assertTrue(e.getMessage().startsWith("At least one invalid signature was encountered"), e.getMessage());
    }

    @Test
    void signatureByAKeyNotInTheKeyringIsRefused() throws Exception {
        byte[] signed = InReleaseSigner.clearsign(key, RELEASE, HashAlgorithmTags.SHA512, NOW);
        ReleaseVerifier debian = verifier(Keyring.load(SharedData.keyring()));
        DebFormatException e = assertThrows(DebFormatException.class, () -> debian.verifyInRelease(signed));
        assertTrue(e.getMessage().contains("no good signature") && e.getMessage().contains("no public key"), e.getMessage());
        // And the real file against a keyring without the Debian keys.
        byte[] real = Files.readAllBytes(SharedData.mirror().resolve("dists/trixie/InRelease"));
        assertThrows(DebFormatException.class, () -> verifier(Keyring.parse(key.publicKeyring())).verifyInRelease(real));
    }

    @Test
    void ownKeyWorksBinaryAndArmored() throws Exception {
        byte[] signed = InReleaseSigner.clearsign(key, RELEASE, HashAlgorithmTags.SHA512, NOW);
        VerifiedRelease v = verifier(Keyring.parse(key.publicKeyring())).verifyInRelease(signed);
        assertEquals(1, v.goodSigners().size());
        verifier(Keyring.parse(key.armoredPublicKey().getBytes(StandardCharsets.US_ASCII))).verifyInRelease(signed);
        String fpr = Keyring.parse(key.publicKeyring()).fingerprints().get(0);
        new ReleaseVerifier(Keyring.parse(key.publicKeyring()), VerificationPolicy.at(NOW).signedBy(Set.of(fpr)))
                .verifyInRelease(signed);
        // The key is random, so the other fingerprint must differ whatever its first digit is.
        String other = (fpr.charAt(0) == '0' ? "1" : "0") + fpr.substring(1);
        assertThrows(DebFormatException.class, () -> new ReleaseVerifier(Keyring.parse(key.publicKeyring()),
                VerificationPolicy.at(NOW).signedBy(Set.of(other))).verifyInRelease(signed));
    }

    @Test
    void detachedSignature() throws Exception {
        byte[] release = RELEASE.getBytes(StandardCharsets.UTF_8);
        byte[] sig = key.sign(release, PGPSignature.BINARY_DOCUMENT, HashAlgorithmTags.SHA256, NOW);
        Keyring k = Keyring.parse(key.publicKeyring());
        verifier(k).verifyDetached(release, sig);
        verifier(k).verifyDetached(release, CraftedKey.armor(sig).getBytes(StandardCharsets.US_ASCII));
        byte[] changed = release.clone();
        changed[3] ^= 1;
        assertThrows(DebFormatException.class, () -> verifier(k).verifyDetached(changed, sig));
    }

    @Test
    void expiredValidUntilIsRefusedUnlessTurnedOff() throws Exception {
        byte[] signed = InReleaseSigner.clearsign(key, RELEASE, HashAlgorithmTags.SHA512, NOW);
        Keyring k = Keyring.parse(key.publicKeyring());
        Instant later = Instant.parse("2026-12-10T00:00:00Z");
        DebFormatException e = assertThrows(DebFormatException.class,
                () -> new ReleaseVerifier(k, VerificationPolicy.at(later)).verifyInRelease(signed));
        assertTrue(e.getMessage().contains("expired (Valid-Until"), e.getMessage());
        new ReleaseVerifier(k, VerificationPolicy.at(later).withoutValidUntil()).verifyInRelease(signed);
    }

    @Test
    void dateInTheFutureIsRefused() throws Exception {
        byte[] signed = InReleaseSigner.clearsign(key, RELEASE, HashAlgorithmTags.SHA512, NOW);
        Keyring k = Keyring.parse(key.publicKeyring());
        DebFormatException e = assertThrows(DebFormatException.class,
                () -> new ReleaseVerifier(k, VerificationPolicy.at(Instant.parse("2026-11-26T09:00:00Z"))).verifyInRelease(signed));
        assertTrue(e.getMessage().contains("not valid yet") || e.getMessage().contains("future"), e.getMessage());
    }

    @Test
    void olderReleaseReplacingANewerOneIsRefused() throws Exception {
        byte[] signed = InReleaseSigner.clearsign(key, RELEASE, HashAlgorithmTags.SHA512, NOW);
        Keyring k = Keyring.parse(key.publicKeyring());
        DebFormatException e = assertThrows(DebFormatException.class, () -> new ReleaseVerifier(k,
                VerificationPolicy.at(NOW).notOlderThan(Instant.parse("2026-11-26T11:00:00Z"))).verifyInRelease(signed));
        assertTrue(e.getMessage().contains("older than the one already trusted"), e.getMessage());
    }

    @Test
    void weakDigestAndExpiredKeyAreRefused() throws Exception {
        Keyring k = Keyring.parse(key.publicKeyring());
        DebFormatException e = assertThrows(DebFormatException.class,
                () -> verifier(k).verifyInRelease(InReleaseSigner.clearsign(key, RELEASE, HashAlgorithmTags.SHA1, NOW)));
        assertTrue(e.getMessage().contains("SHA1"), e.getMessage());
        CraftedKey old = CraftedKey.signingKey(Instant.parse("2020-01-01T00:00:00Z"), 365L * 86400);
        DebFormatException e2 = assertThrows(DebFormatException.class, () -> verifier(Keyring.parse(old.publicKeyring()))
                .verifyInRelease(InReleaseSigner.clearsign(old, RELEASE, HashAlgorithmTags.SHA512, Instant.parse("2020-06-01T00:00:00Z"))));
        assertTrue(e2.getMessage().contains("expired"), e2.getMessage());
    }

    @Test
    void unsignedOrMangledFilesAreRefused() throws Exception {
        Keyring k = Keyring.parse(key.publicKeyring());
        assertThrows(DebFormatException.class, () -> verifier(k).verifyInRelease(RELEASE.getBytes(StandardCharsets.UTF_8)));
        byte[] signed = InReleaseSigner.clearsign(key, RELEASE, HashAlgorithmTags.SHA512, NOW);
        byte[] trailing = (new String(signed, StandardCharsets.UTF_8) + "Suite: evil\n").getBytes(StandardCharsets.UTF_8);
        DebFormatException e = assertThrows(DebFormatException.class, () -> verifier(k).verifyInRelease(trailing));
        assertTrue(e.getMessage().contains("after the signature"), e.getMessage());
        byte[] leading = ("Suite: evil\n" + new String(signed, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        assertThrows(DebFormatException.class, () -> verifier(k).verifyInRelease(leading));
    }

    @Test
    void indexHashMismatchIsRefused() throws Exception {
        Release r = Release.parse(RELEASE);
        IndexFile f = r.files().get("main/binary-amd64/Packages");
        assertEquals(56634892L, f.size());
        IndexFile small = new IndexFile("x", 3, "0".repeat(64), null, false);
        DebFormatException e = assertThrows(DebFormatException.class,
                () -> small.verify(new java.io.ByteArrayInputStream(new byte[] {1, 2, 3})));
        assertTrue(e.getMessage().contains("SHA256 mismatch"), e.getMessage());
        assertThrows(DebFormatException.class, () -> small.verify(new java.io.ByteArrayInputStream(new byte[] {1, 2})));
        IndexFile weak = new IndexFile("y", 3, null, null, true);
        assertThrows(DebFormatException.class, () -> weak.verify(new java.io.ByteArrayInputStream(new byte[] {1, 2, 3})));
        assertEquals(List.of("amd64"), r.architectures());
        assertEquals(Instant.parse("2026-11-26T10:00:00Z"), r.date());
    }

    @Test
    void clearSignedDashEscapingAndTrailingBlanks() throws Exception {
        byte[] signed = InReleaseSigner.clearsign(key, "A: 1\n-- not a field\n", HashAlgorithmTags.SHA512, NOW);
        String s = new String(signed, StandardCharsets.UTF_8);
        assertTrue(s.contains("\n- -- not a field\n"));
        ClearSigned cs = ClearSigned.parse(s.replace("A: 1\n", "A: 1 \t\n").getBytes(StandardCharsets.UTF_8));
        assertEquals("A: 1\n-- not a field\n", cs.text());
        assertEquals(1, new SignatureVerifier(Keyring.parse(key.publicKeyring()), SignaturePolicy.at(NOW))
                .verify(cs.signedBytes(), cs.signature()).good().size());
    }

}
