package org.aptostree.fuzz.openpgp;

import java.time.Instant;

import org.aptostree.openpgp.CraftedKey;
import org.aptostree.openpgp.Keyring;
import org.aptostree.openpgp.OpenPgpFormatException;
import org.aptostree.openpgp.SignaturePolicy;
import org.aptostree.openpgp.SignatureVerifier;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer targets for the openpgp module's parsers: keyrings (binary or armored) and signature data, read through
 * BouncyCastle. On any input each either succeeds or throws {@link OpenPgpFormatException}; anything else is a bug.
 * Under plain {@code mvn test} (no JAZZER_FUZZ) they replay the stored inputs only.
 */
class OpenPgpParsersFuzzTest {
    private static final Keyring KEYRING = keyring();

    private static Keyring keyring() {
        try {
            return Keyring.parse(CraftedKey.of(CraftedKey.Case.GOOD_SUBKEY).publicKeyring());
        } catch (OpenPgpFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest(maxDuration = "20s")
    void keyring(byte[] bytes) {
        try {
            Keyring.parse(bytes).encoded();
        } catch (OpenPgpFormatException expected) {
            // rejected
        }
    }

    /** Signature data (binary or armored) over some bytes, checked against a certificate with a signing subkey. */
    @FuzzTest(maxDuration = "20s")
    void signatures(FuzzedDataProvider data) {
        byte[] signed = data.consumeBytes(data.consumeInt(0, 256));
        byte[] signatures = data.consumeRemainingAsBytes();
        try {
            new SignatureVerifier(KEYRING, SignaturePolicy.at(Instant.now())).check(signed, signatures);
        } catch (OpenPgpFormatException expected) {
            // rejected
        }
    }
}
