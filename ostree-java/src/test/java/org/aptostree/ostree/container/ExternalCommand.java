package org.aptostree.ostree.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the real tools the container tests compare with (skopeo, umoci, ostree, docker-registry); tests ask for
 * them with testkit's {@code Requirements} first.
 */
public final class ExternalCommand {
    private ExternalCommand() {
    }

    /** Runs a command; returns its stdout, or throws with its stderr when it fails. */
    public static String run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd));
        pb.environment().put("LC_ALL", "C.UTF-8");
        pb.environment().putAll(env);
        Path err = Files.createTempFile("tool-err", ".txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        int rc = p.waitFor();
        String stderr = Files.readString(err);
        Files.delete(err);
        if (rc != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + rc + ": " + stderr);
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    public static String run(String... cmd) throws IOException, InterruptedException {
        return run(List.of(cmd), Map.of());
    }
}
