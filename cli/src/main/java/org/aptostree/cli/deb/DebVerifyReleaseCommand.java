package org.aptostree.cli.deb;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.verify.IndexFile;
import org.aptostree.deb.verify.ReleaseVerifier;
import org.aptostree.deb.verify.VerificationPolicy;
import org.aptostree.deb.verify.VerifiedRelease;
import org.aptostree.openpgp.Keyring;
import org.aptostree.openpgp.SignatureCheck;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code apt-ostree deb verify-release MIRROR SUITE --keyring FILE}: verifies {@code dists/SUITE/InRelease}
 * (or Release + Release.gpg) as apt does and the hashes of the Packages indexes present for the
 * configured architectures. Exit 0 only when everything holds.
 */
@Command(name = "verify-release", mixinStandardHelpOptions = true,
        description = {"Verify a repository's InRelease (or Release + Release.gpg) against a keyring, as apt does,",
                "and the size and SHA256/SHA512 of the Packages indexes present for the configured architectures.",
                "MIRROR is a directory holding dists/, a file: URI or an http(s): URI."})
public final class DebVerifyReleaseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MIRROR")
    String mirror;

    @Parameters(index = "1", paramLabel = "SUITE", description = "Directory below dists/, e.g. trixie.")
    String suite;

    @Option(names = "--keyring", required = true, paramLabel = "FILE",
            description = "Trusted keyring (.gpg binary or .asc armored); repeatable.")
    List<Path> keyrings;

    @Option(names = {"--arch", "-a"}, paramLabel = "ARCH", split = ",",
            description = "Architectures whose indexes to check (default: amd64).")
    List<String> architectures = List.of("amd64");

    @Option(names = "--check-valid-until", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Refuse a Release past its Valid-Until, like apt's Check-Valid-Until (default: yes).")
    boolean checkValidUntil;

    @Option(names = "--at", paramLabel = "TIME",
            description = "Reference time instead of now, ISO-8601 (e.g. 2026-11-26T12:00:00Z), for expiry and Date checks.")
    Instant at;

    @Option(names = "--not-older-than", paramLabel = "TIME",
            description = "Refuse a Release dated before TIME (the Date of the Release already trusted).")
    Instant notOlderThan;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        MirrorSource source = MirrorSource.of(mirror);
        Keyring keyring = Keyring.load(keyrings);
        VerificationPolicy policy = VerificationPolicy.at(at != null ? at : Instant.now());
        if (!checkValidUntil) {
            policy = policy.withoutValidUntil();
        }
        if (notOlderThan != null) {
            policy = policy.notOlderThan(notOlderThan);
        }
        ReleaseVerifier verifier = new ReleaseVerifier(keyring, policy);
        String dist = "dists/" + suite + "/";
        VerifiedRelease verified;
        String which;
        try {
            byte[] inRelease = source.read(dist + "InRelease");
            if (inRelease != null) {
                which = dist + "InRelease";
                verified = verifier.verifyInRelease(inRelease);
            } else {
                byte[] release = source.read(dist + "Release");
                if (release == null) {
                    throw new ExitCodeException(1, "the repository " + mirror + " " + suite + " does not have a Release file");
                }
                byte[] signature = source.read(dist + "Release.gpg");
                if (signature == null) {
                    throw new ExitCodeException(1, "the repository " + mirror + " " + suite + " is not signed (no InRelease, no Release.gpg)");
                }
                which = dist + "Release";
                verified = verifier.verifyDetached(release, signature);
            }
        } catch (DebFormatException e) {
            throw new ExitCodeException(1, suite + ": " + e.getMessage());
        }
        for (SignatureCheck c : verified.signatures()) {
            out.println(which + ": " + c.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " signature, key "
                    + (c.fingerprint() != null ? c.fingerprint() : c.keyId()) + " (" + c.detail() + ")");
        }
        int checked = 0;
        List<String> problems = new ArrayList<>();
        for (String component : verified.release().components()) {
            for (String arch : architectures) {
                for (IndexFile f : preferred(verified.release().packagesIndexes(component, arch), source.isLocal())) {
                    try (InputStream in = source.open(dist + f.path())) {
                        if (in == null) {
                            continue;
                        }
                        f.verify(in);
                        checked++;
                        out.println(dist + f.path() + ": OK (" + f.size() + " bytes, SHA256 " + f.sha256() + ")");
                        if (!source.isLocal()) {
                            break;
                        }
                    } catch (DebFormatException e) {
                        problems.add(dist + f.path() + ": " + e.getMessage());
                    }
                }
            }
        }
        out.flush();
        if (!problems.isEmpty()) {
            throw new ExitCodeException(1, String.join("\n", problems));
        }
        if (checked == 0) {
            throw new ExitCodeException(1, "no Packages index for " + String.join(",", architectures) + " found in " + mirror + " " + suite);
        }
        out.println(suite + ": Release verified, " + checked + " index file(s) match");
        out.flush();
        return 0;
    }

    /** Remote mirrors: only the first existing of .xz, .gz, plain (downloading all would be wasteful). */
    private static List<IndexFile> preferred(List<IndexFile> files, boolean local) {
        if (local) {
            return files;
        }
        List<IndexFile> ordered = new ArrayList<>();
        for (String ext : List.of(".xz", ".gz", ".zst", ".bz2", "")) {
            for (IndexFile f : files) {
                if (f.path().endsWith("Packages" + ext)) {
                    ordered.add(f);
                }
            }
        }
        return ordered;
    }
}
