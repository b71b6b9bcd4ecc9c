package org.aptostree.cli.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.aptostree.cli.Main;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** On a root that is not an OSTree system, every system verb says so in one line and exits non-zero. */
class NotOstreeSystemTest {
    @TempDir
    Path plain;

    @ParameterizedTest
    @ValueSource(strings = {"status", "rollback", "cleanup -b", "ostree admin status", "ostree admin cleanup", "ostree admin undeploy 0"})
    void systemVerbsRefusePlainRoot(String verb) {
        PrintStream savedErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            String[] words = verb.split(" ");
            String[] args = new String[words.length + 1];
            System.arraycopy(words, 0, args, 0, words.length);
            args[words.length] = "--sysroot=" + plain;
            code = Main.execute(args);
        } finally {
            System.setErr(savedErr);
        }
        assertNotEquals(0, code);
        // Without a daemon, root's verbs run directly and say so first, as the design note has it.
        String message = err.toString(StandardCharsets.UTF_8).replaceFirst("^Daemon is not running\\. Using direct system calls\\.\n", "");
        // apt-ostree's own verbs use the design note's wording; the ostree verbs keep ostree's.
        String expected = verb.startsWith("ostree ")
                ? "error: This is not an OSTree system: " + plain.resolve("ostree/deploy") + " is missing."
                : "error: apt-ostree requires an OSTree environment to operate.";
        assertTrue(message.startsWith(expected), message);
        assertTrue(message.contains(plain.resolve("ostree").toString()), "names the missing path: " + message);
        assertEquals(1, message.strip().lines().count(), "one line, no stack trace: " + message);
    }
}
