package org.aptostree.ostree.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KeyFile reads a repository config as GLib's GKeyFile does for {@code ostree config get} (ostree 2022.7): where
 * whitespace is dropped and kept, escapes, indented and spaced group lines. What it writes reads back the same.
 */
class KeyFileInteropTest {
    @TempDir
    Path dir;

    private static final String CONFIG = "[core]\nrepo_version=1\nmode=archive-z2\n"
            + "  [remote \"x\"]  \t\n"
            + "url=http://a/b   \n"
            + "  gpg-verify =  false\t\r\n"
            + "\t# a comment\n"
            + "[sp ace]\n"
            + "v=\\s lead\\ttab mid\tdle \\\\z\n"
            + "empty=\n"
            + "nl=a\\nb\\rc\n";

    @Test
    void valuesAreGKeyFilesAndSurviveARewrite() throws Exception {
        Path repo = dir.resolve("repo");
        Requirements.tool("ostree");
        RealOstree.run("init", "--repo=" + repo, "--mode=archive");
        Files.writeString(repo.resolve("config"), CONFIG);
        KeyFile ours = KeyFile.parse(CONFIG, "config");
        KeyFile rewritten = KeyFile.parse(ours.format(), "rewritten");
        for (List<String> key : List.of(List.of("remote \"x\"", "url"), List.of("remote \"x\"", "gpg-verify"),
                List.of("sp ace", "v"), List.of("sp ace", "empty"), List.of("sp ace", "nl"), List.of("core", "mode"))) {
            String theirs = RealOstree.run("config", "--repo=" + repo, "get", key.get(0) + "." + key.get(1));
            // ostree config get prints the value and a newline.
            String expected = theirs.substring(0, theirs.length() - 1);
            assertEquals(expected, ours.get(key.get(0), key.get(1)).orElseThrow(), String.join(".", key));
            assertEquals(expected, rewritten.get(key.get(0), key.get(1)).orElseThrow(), "rewritten " + String.join(".", key));
        }
        // GKeyFile reads our rewrite the same way too.
        Files.writeString(repo.resolve("config"), ours.format());
        // "\s" and then the blank before "lead": two spaces.
        assertEquals("  lead\ttab mid\tdle \\z",
                RealOstree.run("config", "--repo=" + repo, "get", "sp ace.v").replaceAll("\n$", ""));
    }
}
