package org.aptostree.deb.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import org.aptostree.deb.DebFormatException;
import org.aptostree.openpgp.CraftedKey;
import org.aptostree.openpgp.Keyring;
import org.aptostree.openpgp.RealVerifiers;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The APT path of the one OpenPGP policy: an InRelease clear-signed by each crafted certificate is accepted or
 * refused by {@link ReleaseVerifier}, naming the key and the reason, and gpgv (on the InRelease file, read as apt's
 * gpgv method reads it) and sqv (on the parts apt's sqv method splits it into) agree.
 */
class CraftedKeyringReleaseTest {
    private static final DateTimeFormatter RFC_2822 = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(CraftedKey.Case.class)
    void refusedOrAcceptedAsGpgvAndSqvDo(CraftedKey.Case which) throws Exception {
        RealVerifiers.requireInstalled();
        CraftedKey key = CraftedKey.of(which);
        Instant date = key.made().minus(Duration.ofHours(2));
        String release = "Origin: Crafted\nSuite: crafted\nCodename: " + which.name().toLowerCase(Locale.ROOT) + "\nDate: "
                + RFC_2822.format(date) + "\nValid-Until: " + RFC_2822.format(date.plus(Duration.ofDays(7)))
                + "\nArchitectures: amd64\nComponents: main\nSHA256:\n " + "0".repeat(64) + " 0 main/binary-amd64/Packages\n";
        byte[] inRelease = InReleaseSigner.clearsign(key, release);
        Path keyring = Files.write(dir.resolve("keyring.gpg"), key.publicKeyring());
        Path inReleaseFile = Files.write(dir.resolve("InRelease"), inRelease);
        ClearSigned split = ClearSigned.parse(inRelease);
        Path signature = Files.write(dir.resolve("InRelease.sig"), split.signature());
        Path text = Files.write(dir.resolve("InRelease.text"), split.signedBytes());

        ReleaseVerifier ours = new ReleaseVerifier(Keyring.load(keyring), VerificationPolicy.at(Instant.now()));
        RealVerifiers.Verdict gpgv = RealVerifiers.gpgv(keyring, inReleaseFile, null);
        RealVerifiers.Verdict sqv = RealVerifiers.sqv(keyring, signature, text);
        String tools = gpgv.output() + "\n" + sqv.output();
        if (which.good()) {
            VerifiedRelease v = ours.verifyInRelease(inRelease);
            assertEquals(List.of(key.signingFingerprint()), v.goodSigners());
        } else {
            DebFormatException e = assertThrows(DebFormatException.class, () -> ours.verifyInRelease(inRelease));
            assertTrue(e.getMessage().contains(key.signingFingerprint()) && e.getMessage().contains(which.reason()),
                    e.getMessage() + "\n" + tools);
        }
        assertEquals(which.good(), sqv.accepted(), "sqv: " + tools);
        // gpgv before GnuPG 2.4.5 has no --assert-pubkey-algo, so as apt runs it there it takes a 1024-bit RSA key.
        if (which != CraftedKey.Case.RSA_1024 || RealVerifiers.gpgvAssertsPubkeyAlgo()) {
            assertEquals(which.good(), gpgv.accepted(), "gpgv: " + tools);
        }
    }
}
