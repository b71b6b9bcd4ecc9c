package org.aptostree.deb.verify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.aptostree.openpgp.Keyring;

/**
 * Whole-task benchmark, run by hand (tests assert no times):
 * {@code java -cp ... org.aptostree.deb.verify.InReleaseVerifyBenchmark InRelease KEYRING [rounds]}.
 * Alternates {@code gpgv --keyring KEYRING InRelease} (a process, as apt runs it) with our in-process
 * keyring load + verification of every signature + Release parse, and prints the medians.
 */
public final class InReleaseVerifyBenchmark {
    private InReleaseVerifyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path inRelease = Path.of(args[0]);
        Path keyring = Path.of(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 31;
        VerificationPolicy policy = VerificationPolicy.at(Instant.parse("2026-11-26T12:00:00Z"));
        for (int i = 0; i < 30; i++) {
            new ReleaseVerifier(Keyring.load(keyring), policy).verifyInRelease(Files.readAllBytes(inRelease));
        }
        List<Long> gpgv = new ArrayList<>();
        List<Long> ours = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder("gpgv", "--keyring", keyring.toString(), inRelease.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("gpgv refused " + inRelease);
            }
            long t1 = System.nanoTime();
            new ReleaseVerifier(Keyring.load(keyring), policy).verifyInRelease(Files.readAllBytes(inRelease));
            long t2 = System.nanoTime();
            gpgv.add(t1 - t0);
            ours.add(t2 - t1);
        }
        Collections.sort(gpgv);
        Collections.sort(ours);
        double g = gpgv.get(rounds / 2) / 1e6;
        double o = ours.get(rounds / 2) / 1e6;
        System.out.printf("gpgv (process) median %.1f ms; ours (in-process, keyring load + verify + parse) median %.1f ms; ratio %.2f%n",
                g, o, o / g);
    }
}
