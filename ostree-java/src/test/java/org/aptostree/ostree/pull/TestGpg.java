package org.aptostree.ostree.pull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A throw-away GnuPG home with one signing key, made by the real gpg, exported for our reader too. */
record TestGpg(Path home, String fingerprint, Path publicKey, Path secretKey) {
    static TestGpg create(Path dir, String email) throws IOException, InterruptedException {
        Path home = dir.resolve("gnupg-" + email.replace('@', '_'));
        Files.createDirectories(home);
        Files.setAttribute(home, "unix:mode", 0700);
        run(home, "--batch", "--passphrase", "", "--quick-gen-key", email, "ed25519", "sign", "never");
        String colons = run(home, "--with-colons", "--list-secret-keys", email);
        String fpr = colons.lines().filter(l -> l.startsWith("fpr:")).findFirst().orElseThrow().split(":")[9];
        Path pub = dir.resolve(email + ".pub.gpg");
        Files.write(pub, runBytes(home, "--export", fpr));
        Path sec = dir.resolve(email + ".sec.gpg");
        Files.write(sec, runBytes(home, "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--export-secret-keys", fpr));
        return new TestGpg(home, fpr, pub, sec);
    }

    static String run(Path home, String... args) throws IOException, InterruptedException {
        return new String(runBytes(home, args), java.nio.charset.StandardCharsets.UTF_8);
    }

    static byte[] runBytes(Path home, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("gpg", "--homedir", home.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed");
        }
        return out;
    }
}
