package org.aptostree.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.aptostree.testkit.Requirements;

/** Running the real tools the tests judge the package with. */
final class Commands {
    private Commands() {
    }

    /** What a command did. */
    record Result(int code, String out, String err) {
        String both() {
            return out + err;
        }
    }

    /** Runs {@code command}; its exit code is the caller's to judge. */
    static Result exec(List<String> command, Map<String, String> environment) throws IOException, InterruptedException {
        Path err = Files.createTempFile("command", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(environment);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            return new Result(code, out, Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** Runs {@code command} and returns its output; a non-zero exit is an error that shows what it printed. */
    static String run(List<String> command) throws IOException, InterruptedException {
        Result r = exec(command, Map.of());
        if (r.code() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + r.code() + ":\n" + r.both());
        }
        return r.out();
    }

    /**
     * The tools and privileges the package's tests need: missing, they skip the test, and with CI=true they fail it,
     * naming what is missing.
     */
    static void require(List<String> tools, boolean root) {
        Requirements.tools(tools.toArray(String[]::new));
        if (root) {
            Requirements.root();
        }
    }
}
