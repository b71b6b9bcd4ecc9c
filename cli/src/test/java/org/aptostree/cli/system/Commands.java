package org.aptostree.cli.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real tools of the daemon tests (gdbus, busctl, python3, gcc, the CLI as a process), optionally as a test user. */
final class Commands {
    private Commands() {
    }

    /** How a command ended. */
    record Result(int code, String out, String err) {
        Result expectSuccess(List<String> command) throws IOException {
            if (code != 0) {
                throw new IOException(String.join(" ", command) + " exited " + code + ": " + err + out);
            }
            return this;
        }
    }

    static Result run(List<String> command) throws IOException, InterruptedException {
        return run(command, Map.of(), null);
    }

    /** Runs {@code command} with {@code env} added, as {@code user} (null: as this process's user), within 10 minutes. */
    static Result run(List<String> command, Map<String, String> env, String user) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (user != null) {
            full.addAll(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "--"));
        }
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("cmd", ".out");
        Path err = Files.createTempFile("cmd", ".err");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not end within 10 minutes");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** {@code gdbus call} on {@code address}. */
    static List<String> gdbusCall(String address, String path, String method, String... args) {
        List<String> c = new ArrayList<>(List.of("gdbus", "call", "--address", address, "--dest", DaemonClient.NAME, "--object-path", path,
                "--method", method));
        c.addAll(List.of(args));
        return c;
    }
}
