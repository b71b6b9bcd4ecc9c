package org.aptostree.openpgp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.bouncycastle.openpgp.PGPSignature;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Our verifier, gpgv (as apt reads it) and sqv on the same crafted certificates and signatures. */
class SignatureVerifierTest {
    private static final byte[] DATA = "Origin: crafted\nSuite: test\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(CraftedKey.Case.class)
    void agreesWithGpgvAndSqv(CraftedKey.Case which) throws Exception {
        RealVerifiers.requireInstalled();
        CraftedKey key = CraftedKey.of(which);
        byte[] signature = key.sign(DATA, PGPSignature.BINARY_DOCUMENT);
        Path keyring = Files.write(dir.resolve("keyring.gpg"), key.publicKeyring());
        Path sig = Files.write(dir.resolve("data.sig"), signature);
        Path data = Files.write(dir.resolve("data"), DATA);

        SignatureVerifier ours = new SignatureVerifier(Keyring.parse(key.publicKeyring()), SignaturePolicy.at(Instant.now()));
        List<SignatureCheck> checks = ours.check(DATA, signature);
        RealVerifiers.Verdict gpgv = RealVerifiers.gpgv(keyring, sig, data);
        RealVerifiers.Verdict sqv = RealVerifiers.sqv(keyring, sig, data);
        String all = checks + "\n" + gpgv.output() + "\n" + sqv.output();
        assertEquals(1, checks.size(), all);
        if (which.good()) {
            assertEquals(SignatureCheck.Status.GOOD, checks.get(0).status(), all);
            assertEquals(List.of(key.signingFingerprint()), ours.verify(DATA, signature).goodSigners());
        } else {
            assertEquals(which.refusal(), checks.get(0).status(), all);
            RejectedSignatureException e = assertThrows(RejectedSignatureException.class, () -> ours.verify(DATA, signature));
            assertTrue(e.getMessage().contains(key.signingFingerprint()) && e.getMessage().contains(which.reason()), e.getMessage());
        }
        assertEquals(which.good(), sqv.accepted(), "sqv: " + all);
        // gpgv before GnuPG 2.4.5 has no --assert-pubkey-algo, so as apt runs it there it takes a 1024-bit RSA key.
        if (which != CraftedKey.Case.RSA_1024 || RealVerifiers.gpgvAssertsPubkeyAlgo()) {
            assertEquals(which.good(), gpgv.accepted(), "gpgv: " + all);
        }
    }
}
