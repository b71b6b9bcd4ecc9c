package org.aptostree.deb.verify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.aptostree.deb.DebFormatException;

/**
 * A clear-signed message (RFC 4880 §7) split as apt's {@code SplitClearSignedFile} does, strictly:
 * nothing but blank lines before the {@code BEGIN PGP SIGNED MESSAGE} line, only {@code Hash:}
 * armor headers, exactly one signature block, nothing but blank lines after it.
 *
 * @param text      the signed text with dash-escaping removed and trailing blanks of each line
 *                  removed (as OpenPGP canonicalises it), lines ending in {@code \n}; this is what
 *                  the signatures cover and the only part a caller may trust
 * @param signature the armored signature block, as {@link org.aptostree.openpgp.SignatureVerifier} takes it
 */
public record ClearSigned(String text, byte[] signature) {

    /** Copies the signature. */
    public ClearSigned {
        signature = signature.clone();
    }

    /** The signature packets (a copy). */
    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** The bytes the signatures cover: the lines joined by CRLF, without the final line break. */
    public byte[] signedBytes() {
        String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        return body.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Splits an InRelease-style file.
     *
     * @throws DebFormatException when the file is not a single well-formed clear-signed message
     */
    public static ClearSigned parse(byte[] data) throws DebFormatException {
        String all = new String(data, StandardCharsets.UTF_8);
        String[] lines = all.split("\n", -1);
        int i = 0;
        while (i < lines.length && blank(lines[i])) {
            i++;
        }
        if (i == lines.length || !strip(lines[i]).equals("-----BEGIN PGP SIGNED MESSAGE-----")) {
            throw DebFormatException.atLine("not a clear-signed message (no BEGIN PGP SIGNED MESSAGE line)", i + 1);
        }
        i++;
        while (i < lines.length && !blank(lines[i])) {
            if (!strip(lines[i]).startsWith("Hash: ")) {
                throw DebFormatException.atLine("unexpected armor header in clear-signed message", i + 1);
            }
            i++;
        }
        if (i == lines.length) {
            throw DebFormatException.atLine("clear-signed message has no text", i);
        }
        i++;
        List<String> body = new ArrayList<>();
        int signatureStart = -1;
        for (; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.startsWith("-----BEGIN PGP SIGNATURE-----") && blank(line.substring(29))) {
                signatureStart = i;
                break;
            }
            if (line.startsWith("- ")) {
                line = line.substring(2);
            } else if (line.startsWith("-")) {
                throw DebFormatException.atLine("clear-signed text has an unescaped dash line", i + 1);
            }
            body.add(strip(line));
        }
        if (signatureStart < 0) {
            throw DebFormatException.atLine("clear-signed message has no signature", lines.length);
        }
        int end = -1;
        for (int k = signatureStart + 1; k < lines.length; k++) {
            if (strip(lines[k]).equals("-----END PGP SIGNATURE-----")) {
                end = k;
                break;
            }
            if (strip(lines[k]).startsWith("-----")) {
                throw DebFormatException.atLine("unexpected armor line in signature", k + 1);
            }
        }
        if (end < 0) {
            throw DebFormatException.atLine("signature block has no END line", signatureStart + 1);
        }
        for (int k = end + 1; k < lines.length; k++) {
            if (!blank(lines[k])) {
                throw DebFormatException.atLine("data after the signature of a clear-signed message", k + 1);
            }
        }
        StringBuilder armored = new StringBuilder();
        for (int k = signatureStart; k <= end; k++) {
            armored.append(lines[k]).append('\n');
        }
        StringBuilder text = new StringBuilder();
        for (String line : body) {
            text.append(line).append('\n');
        }
        return new ClearSigned(text.toString(), armored.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static boolean blank(String s) {
        return strip(s).isEmpty();
    }

    /** OpenPGP's canonical form drops trailing spaces and tabs (and the CR of CRLF input). */
    private static String strip(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        return s.substring(0, end);
    }
}
