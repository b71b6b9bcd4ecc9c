package org.aptostree.cli.ostree;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.aptostree.cli.Main;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our {@code apt-ostree ostree} verbs print what the real ostree prints for the same repository. */
class OstreeCliInteropTest {
    @TempDir
    static Path dir;
    private static Path repo;

    @BeforeEach
    void setUp() throws Exception {
        Requirements.tool("ostree");
        if (repo != null) {
            return;
        }
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("usr/bin"));
        Files.createDirectories(tree.resolve("empty"));
        Files.writeString(tree.resolve("usr/bin/tool"), "#!/bin/sh\necho hi\n");
        Files.setAttribute(tree.resolve("usr/bin/tool"), "unix:mode", 04755);
        Files.writeString(tree.resolve("README ü"), "text\n");
        Files.createSymbolicLink(tree.resolve("bin"), Path.of("usr/bin"));
        repo = dir.resolve("repo");
        ostree("init", "--repo=" + repo, "--mode=archive");
        ostree("commit", "--repo=" + repo, "-b", "main", "--tree=dir=" + tree, "-s", "first", "--timestamp=@1000",
                "--add-metadata-string=version=1.0");
        ostree("commit", "--repo=" + repo, "-b", "main", "--tree=dir=" + tree, "-s", "second", "--body=two\nlines",
                "--timestamp=@2000");
    }

    private static String ostree(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ostree"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd));
        return out;
    }

    private static String ours(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            List<String> full = new ArrayList<>(List.of("ostree", "--repo=" + repo));
            full.addAll(List.of(args));
            assertEquals(0, Main.execute(full.toArray(String[]::new)), String.join(" ", full));
        } finally {
            System.setOut(saved);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    private static void same(String... args) throws Exception {
        List<String> theirs = new ArrayList<>(List.of(args[0], "--repo=" + repo));
        theirs.addAll(List.of(args).subList(1, args.length));
        assertEquals(ostree(theirs.toArray(String[]::new)), ours(args), String.join(" ", args));
    }

    @Test
    void lsMatches() throws Exception {
        same("ls", "-R", "main");
        same("ls", "main", "/usr/bin");
        same("ls", "-C", "main", "/usr");
        same("ls", "-d", "main", "/usr");
    }

    @Test
    void showLogRevParseRefsCatMatch() throws Exception {
        same("show", "main");
        same("show", "main^");
        same("log", "main");
        same("rev-parse", "main^");
        same("refs");
        same("cat", "main", "/usr/bin/tool");
        same("show", "--print-metadata-key=version", "main^");
    }
}
