package org.aptostree.openpgp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.aptostree.testkit.Requirements;

/**
 * The real verifiers apt runs, on the same keyring, signature and data as ours: {@code gpgv}, judged from its status
 * lines as apt's gpgv method judges them, and {@code sqv} (apt 3's verifier), judged by its exit status.
 */
public final class RealVerifiers {
    /** apt's {@code APT::Key::Assert-Pubkey-Algo} default, passed to a gpgv that knows the option, as apt does. */
    static final String APT_PUBKEY_ALGOS = ">=rsa2048,ed25519,ed448,nistp256,nistp384,nistp512,brainpoolP256r1,brainpoolP320r1,"
            + "brainpoolP384r1,brainpoolP512r1,secp256k1";

    private static Boolean assertsPubkeyAlgo;

    private RealVerifiers() {
    }

    /** A real tool's verdict and what it printed. */
    public record Verdict(boolean accepted, String output) {
    }

    /** Skips the calling test when gpgv or sqv is missing; fails instead with CI=true, where nothing may skip. */
    public static void requireInstalled() {
        Requirements.tools("gpgv", "sqv");
    }

    /** Whether this gpgv can refuse weak public-key algorithms ({@code --assert-pubkey-algo}, GnuPG 2.4.5 and later). */
    public static synchronized boolean gpgvAssertsPubkeyAlgo() throws IOException, InterruptedException {
        if (assertsPubkeyAlgo == null) {
            assertsPubkeyAlgo = run(List.of("gpgv", "--dump-options")).output().lines().anyMatch("--assert-pubkey-algo"::equals);
        }
        return assertsPubkeyAlgo;
    }

    /**
     * Runs {@code gpgv} as apt does ({@code --ignore-time-conflict}, its public-key algorithm assertion when gpgv has
     * it) on a detached signature and its data, or on a clear-signed file when {@code data} is null. Accepted as apt's
     * gpgv method accepts: a GOODSIG whose VALIDSIG digest apt trusts (not MD5, SHA-1, RIPEMD-160), whose key passed
     * the algorithm assertion, and no BADSIG.
     */
    public static Verdict gpgv(Path keyring, Path signature, Path data) throws IOException, InterruptedException {
        Path home = Files.createTempDirectory("gpgv-home");
        try {
            List<String> cmd = new ArrayList<>(List.of("gpgv", "--homedir", home.toString(), "--keyring", keyring.toAbsolutePath().toString(),
                    "--status-fd", "1", "--ignore-time-conflict"));
            if (gpgvAssertsPubkeyAlgo()) {
                cmd.add("--assert-pubkey-algo=" + APT_PUBKEY_ALGOS);
            }
            cmd.add(signature.toString());
            if (data != null) {
                cmd.add(data.toString());
            }
            Verdict raw = run(cmd);
            Set<String> good = new HashSet<>();
            boolean bad = false;
            List<String> untrusted = new ArrayList<>();
            for (String line : raw.output().lines().toList()) {
                String[] t = line.split(" ");
                if (t.length < 3 || !t[0].equals("[GNUPG:]")) {
                    continue;
                }
                switch (t[1]) {
                    case "GOODSIG" -> good.add(t[2].toUpperCase(Locale.ROOT));
                    case "BADSIG" -> bad = true;
                    case "VALIDSIG" -> {
                        int digest = Integer.parseInt(t[9]);
                        if (digest >= 0 && digest <= 3) {
                            untrusted.add(t[2]);
                        }
                    }
                    case "ASSERT_PUBKEY_ALGO" -> {
                        if ("0".equals(t[3])) {
                            untrusted.add(t[2]);
                        }
                    }
                    default -> {
                    }
                }
            }
            // apt compares a GOODSIG's long key id with the end of a VALIDSIG's fingerprint.
            good.removeIf(id -> untrusted.stream().anyMatch(fpr -> fpr.toUpperCase(Locale.ROOT).endsWith(id)));
            return new Verdict(!good.isEmpty() && !bad, raw.output());
        } finally {
            try (var files = Files.walk(home)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Runs {@code sqv --keyring KEYRING SIGNATURE DATA}; accepted when it exits 0, as apt's sqv method decides. */
    public static Verdict sqv(Path keyring, Path signature, Path data) throws IOException, InterruptedException {
        Verdict raw = run(List.of("sqv", "--keyring", keyring.toString(), signature.toString(), data.toString()));
        return raw;
    }

    private static Verdict run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Verdict(p.waitFor() == 0, String.join(" ", cmd) + "\n" + out);
    }
}
