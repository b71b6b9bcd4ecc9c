package org.aptostree.daemon.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the automatic update timer's last run did, kept in {@code /var/lib/apt-ostree/automatic-update.json} of the
 * stateroot (in {@code /var}, so every deployment's {@code status} shows it): rpm-ostree's "last run" of
 * {@code AutomaticUpdates:} and, for the {@code check} policy, its cached {@code AvailableUpdate}.
 *
 * @param time            when the run ended
 * @param policy          the policy it applied: {@code check} or {@code stage}
 * @param success         whether it ended without an error
 * @param message         what it did ("No updates available.", "staged …", or the error)
 * @param availableCommit the newer base it found ({@code check}) or staged ({@code stage})
 * @param availableUpdate rpm-ostree's {@code AvailableUpdate:} lines for that base, when {@code check} found one
 */
public record AutomaticUpdateRun(Instant time, String policy, boolean success, String message, Optional<String> availableCommit,
        List<String> availableUpdate) {
    static final String FILE_NAME = "automatic-update.json";

    /**
     * Made when a record is first read or written: an ObjectMapper loads ~370 classes, which every {@code status}
     * would otherwise pay for, with or without a record to read.
     */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    public AutomaticUpdateRun {
        availableUpdate = List.copyOf(availableUpdate);
    }

    /** The file of the stateroot {@code osname}. */
    public static Path file(SystemRoot system, String osname) {
        return system.stateDirectory(osname).resolve(FILE_NAME);
    }

    /** The recorded run, if the timer has run; a file that cannot be read is an error naming it. */
    public static Optional<AutomaticUpdateRun> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = Json.MAPPER.readTree(file.toFile());
            List<String> lines = new ArrayList<>();
            n.path("available-update").forEach(l -> lines.add(l.asText()));
            String commit = n.path("available-commit").asText("");
            return Optional.of(new AutomaticUpdateRun(Instant.parse(n.path("time").asText()), n.path("policy").asText(),
                    n.path("success").asBoolean(), n.path("message").asText(), commit.isEmpty() ? Optional.empty() : Optional.of(commit),
                    lines));
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": not a record of an automatic update run: " + e.getMessage(), e);
        }
    }

    /** Writes the record to {@code file}: a temporary file renamed over it, so a reader never sees half of one. */
    public void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("." + FILE_NAME + ".tmp");
        Json.MAPPER.writeValue(tmp.toFile(), toMap());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The JSON form, which {@code status --json} shows too. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", time.toString());
        m.put("policy", policy);
        m.put("success", success);
        m.put("message", message);
        m.put("available-commit", availableCommit.orElse(null));
        m.put("available-update", availableUpdate);
        return m;
    }
}
