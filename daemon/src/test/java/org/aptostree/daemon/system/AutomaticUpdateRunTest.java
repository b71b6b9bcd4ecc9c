package org.aptostree.daemon.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

class AutomaticUpdateRunTest {

    @Property(tries = 200)
    void aRecordReadsBackAsWritten(@ForAll @LongRange(min = 0, max = 4_102_444_800L) long seconds, @ForAll int nanos,
            @ForAll boolean check, @ForAll boolean success, @ForAll @StringLength(max = 200) String message,
            @ForAll Optional<@StringLength(min = 1, max = 64) String> commit, @ForAll @Size(max = 6) List<String> lines)
            throws IOException {
        Path dir = Files.createTempDirectory("automatic-update");
        try {
            AutomaticUpdateRun run = new AutomaticUpdateRun(Instant.ofEpochSecond(seconds, Math.floorMod(nanos, 1_000_000_000)),
                    check ? "check" : "stage", success, message, commit, lines);
            Path file = dir.resolve("lib/apt-ostree").resolve(AutomaticUpdateRun.FILE_NAME);
            run.write(file);
            assertEquals(Optional.of(run), AutomaticUpdateRun.read(file));
            try (var left = Files.list(file.getParent())) {
                assertEquals(List.of(file), left.toList(), "no temporary file is left");
            }
        } finally {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Property(tries = 50)
    void aDamagedRecordIsAnErrorNamingTheFile(@ForAll @StringLength(max = 40) String junk) throws IOException {
        Path file = Files.createTempFile("automatic-update", ".json");
        try {
            Files.writeString(file, junk.isBlank() || !junk.startsWith("{") ? "{" + junk : junk);
            IOException e = assertThrows(IOException.class, () -> AutomaticUpdateRun.read(file));
            assertTrue(e.getMessage().startsWith(file + ": not a record of an automatic update run"), e.getMessage());
        } finally {
            Files.delete(file);
        }
    }

    @Property(tries = 1)
    void noFileIsNoRun() throws IOException {
        assertEquals(Optional.empty(), AutomaticUpdateRun.read(Path.of("/nonexistent/automatic-update.json")));
    }
}
