package org.aptostree.daemon.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonConfigTest {
    @TempDir
    Path dir;

    @Test
    void readsTheShippedDefaultsAndValues() throws IOException {
        assertEquals(DaemonConfig.defaults(), DaemonConfig.read(dir.resolve("missing.conf")));
        assertEquals(DaemonConfig.defaults(), DaemonConfig.read(Path.of("src/main/dist/etc/apt-ostree/apt-ostreed.conf")), "the shipped file");
        Path f = dir.resolve("apt-ostreed.conf");
        Files.writeString(f, "# comment\n[Daemon]\nIdleExitTimeout=5\nAutomaticUpdatePolicy=stage\n");
        assertEquals(new DaemonConfig(5, "stage"), DaemonConfig.read(f));
    }

    @Test
    void aBadValueIsAnErrorNamingIt() throws IOException {
        Path f = dir.resolve("apt-ostreed.conf");
        Files.writeString(f, "[Daemon]\nIdleExitTimeout=soon\n");
        IOException e = assertThrows(IOException.class, () -> DaemonConfig.read(f));
        assertTrue(e.getMessage().contains("[Daemon] IdleExitTimeout: expected a number of seconds (0: never), not 'soon'"), e.getMessage());
        Files.writeString(f, "[Daemon]\nAutomaticUpdatePolicy=always\n");
        assertTrue(assertThrows(IOException.class, () -> DaemonConfig.read(f)).getMessage().contains("expected none, check or stage"));
    }
}
