package org.aptostree.fuzz.compose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.aptostree.daemon.compose.Lockfile;
import org.aptostree.daemon.compose.Treefile;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer targets for the compose input files: {@link Treefile#load} and {@link Lockfile#read} either succeed or
 * throw their format exception ({@link Treefile.TreefileException}, {@link Lockfile.LockfileException}), which names
 * the file and what is wrong; any other exception is a bug. Both read files, so the
 * input is written to a scratch directory first. Without JAZZER_FUZZ they replay the stored inputs.
 */
class ComposeParsersFuzzTest {
    private static final Path SCRATCH;

    static {
        try {
            SCRATCH = Files.createTempDirectory("aptostree-compose-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The input up to the first NUL byte is {@code tree.yaml}; the rest, if any, is {@code inc.yaml} beside it, so
     * that includes, include cycles and postprocess-script files are reachable.
     */
    @FuzzTest(maxDuration = "30s")
    // The key names are checked through a Set, which the comparison hooks do not see.
    @DictionaryEntries({"ref:", "variant:", "packages:", "exclude-packages:", "recommends:", "sources:", "architecture:",
        "add-commit-metadata:", "remove-files:", "postprocess:", "postprocess-script:", "units:", "releasever:", "include:",
        "inc.yaml", "tree.yaml", "host", "minbase", ": [", "{", "~"})
    void treefileLoad(byte[] data) throws IOException {
        // Paths are confined to the scratch directory: an include of /dev/zero or a FIFO would hang any reader.
        for (byte b : data) {
            if (b == '/') {
                return;
            }
        }
        int nul = indexOf(data, (byte) 0);
        Path tree = SCRATCH.resolve("tree.yaml");
        Path inc = SCRATCH.resolve("inc.yaml");
        Files.write(tree, nul < 0 ? data : Arrays.copyOf(data, nul));
        Files.deleteIfExists(inc);
        if (nul >= 0) {
            Files.write(inc, Arrays.copyOfRange(data, nul + 1, data.length));
        }
        Treefile t;
        try {
            t = Treefile.load(tree);
        } catch (Treefile.TreefileException expected) {
            return;
        }
        if (t.ref() == null || t.ref().isBlank() || t.sources() == null || t.sources().isBlank() || t.variant() == null
                || t.architecture() == null || !t.digest().matches("[0-9a-f]{64}")) {
            throw new AssertionError("accepted a treefile without its required values: " + t);
        }
        // Loading is a function of the files.
        if (!Treefile.load(tree).equals(t)) {
            throw new AssertionError("loading the same treefile twice differs");
        }
    }

    /** A lockfile that reads is written back and reads the same again. */
    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({"{\"packages\": [", "\"name\":", "\"version\":", "\"architecture\":", "\"uri\":", "\"size\":",
        "\"sha256\":", "\"automatic\":", "null", "true", "\"\\ud800\""})
    void lockfileRead(byte[] data) throws IOException {
        Path file = SCRATCH.resolve("lock.json");
        Files.write(file, data);
        Lockfile lock;
        try {
            lock = Lockfile.read(file);
        } catch (Lockfile.LockfileException expected) {
            return;
        }
        Path again = SCRATCH.resolve("again.json");
        lock.write(again);
        if (!Lockfile.read(again).equals(lock)) {
            throw new AssertionError("written lockfile reads back differently");
        }
    }

    private static int indexOf(byte[] data, byte b) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
