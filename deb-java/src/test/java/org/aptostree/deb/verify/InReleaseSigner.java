package org.aptostree.deb.verify;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.aptostree.openpgp.CraftedKey;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPSignature;

/** Clear-signs Release text as InRelease files are (text signature, dash-escaping, armored block), with a test key. */
final class InReleaseSigner {
    private InReleaseSigner() {
    }

    /** An InRelease file of {@code text} (which ends in a newline), signed with {@code hash} at {@code when}. */
    static byte[] clearsign(CraftedKey key, String text, int hash, Instant when) {
        return assemble(text, hash, key.sign(new ClearSigned(text, new byte[0]).signedBytes(), PGPSignature.CANONICAL_TEXT_DOCUMENT, hash, when));
    }

    /** An InRelease file of {@code text} signed with the key's case digest, an hour before the key was made. */
    static byte[] clearsign(CraftedKey key, String text) {
        return assemble(text, key.digest(), key.sign(new ClearSigned(text, new byte[0]).signedBytes(), PGPSignature.CANONICAL_TEXT_DOCUMENT));
    }

    private static byte[] assemble(String text, int hash, byte[] signature) {
        // gpg refuses a clear-signed message whose Hash header does not name the signature's digest.
        String name = switch (hash) {
            case HashAlgorithmTags.SHA1 -> "SHA1";
            case HashAlgorithmTags.SHA256 -> "SHA256";
            case HashAlgorithmTags.SHA512 -> "SHA512";
            default -> throw new IllegalArgumentException("digest " + hash);
        };
        StringBuilder b = new StringBuilder("-----BEGIN PGP SIGNED MESSAGE-----\nHash: " + name + "\n\n");
        for (String line : text.split("\n")) {
            b.append(line.startsWith("-") ? "- " + line : line).append('\n');
        }
        b.append(CraftedKey.armor(signature));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
