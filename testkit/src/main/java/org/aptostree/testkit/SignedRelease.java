package org.aptostree.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The text of an {@code InRelease} file as the real {@code gpgv} verified it against a keyring: only what the
 * signatures cover is read. As apt does, at least one good signature and no bad one are required (a signature
 * by a key not in the keyring is passed over).
 *
 * @param sha256 the SHA256 section: path → hash and size
 * @param byHash whether the archive serves indexes by hash ({@code Acquire-By-Hash: yes})
 */
record SignedRelease(Map<String, FileHash> sha256, boolean byHash) {

    static SignedRelease verify(Path inRelease, Path keyring) throws IOException {
        Path status = Files.createTempFile("gpgv-status", ".txt");
        try {
            Process p = new ProcessBuilder(Requirements.tool("gpgv").toString(), "--keyring", keyring.toString(),
                    "--status-fd", "2", "--output", "-", inRelease.toString())
                    .redirectError(status.toFile()).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            List<String> lines = Files.readAllLines(status);
            boolean good = lines.stream().anyMatch(l -> l.startsWith("[GNUPG:] VALIDSIG "));
            boolean bad = lines.stream().anyMatch(l -> l.startsWith("[GNUPG:] BADSIG "));
            if (!good || bad) {
                throw new IllegalStateException("gpgv refused " + inRelease + " against " + keyring + " (exit " + rc + "):\n"
                        + String.join("\n", lines));
            }
            return parse(text, inRelease);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while verifying " + inRelease, e);
        } finally {
            Files.delete(status);
        }
    }

    /** The SHA256 section of the signed text: lines {@code " <hash> <size> <path>"} after {@code "SHA256:"}. */
    static SignedRelease parse(String text, Path from) {
        Map<String, FileHash> files = new HashMap<>();
        boolean byHash = false;
        boolean inSha256 = false;
        for (String line : text.split("\n")) {
            if (line.startsWith(" ") && inSha256) {
                String[] f = line.strip().split("\\s+");
                if (f.length != 3 || !f[0].matches("[0-9a-f]{64}") || !f[1].matches("[0-9]{1,18}")) {
                    throw new IllegalStateException(from + ": malformed SHA256 line '" + line + "'");
                }
                files.put(f[2], new FileHash(f[0], Long.parseLong(f[1])));
            } else if (!line.startsWith(" ")) {
                inSha256 = line.equals("SHA256:");
                byHash |= line.equals("Acquire-By-Hash: yes");
            }
        }
        return new SignedRelease(Map.copyOf(files), byHash);
    }

    /** The hash and size of {@code path} (relative to the suite's directory). */
    FileHash file(String path, Path from) {
        FileHash h = sha256.get(path);
        if (h == null) {
            throw new IllegalStateException(from + " gives no SHA256 for " + path);
        }
        return h;
    }
}
