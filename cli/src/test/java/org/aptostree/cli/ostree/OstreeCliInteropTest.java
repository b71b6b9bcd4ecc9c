package org.aptostree.cli.ostree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.aptostree.cli.InProcessCli;
import org.aptostree.fixtures.tree.FileTree;
import org.aptostree.fixtures.tree.FileTrees;
import org.aptostree.ostree.gvariant.DictEntry;
import org.aptostree.ostree.gvariant.GVariantText;
import org.aptostree.ostree.gvariant.GVariantType;
import org.aptostree.ostree.gvariant.Variant;
import org.aptostree.ostree.repo.Trees;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * Our {@code apt-ostree ostree} read verbs print what the real ostree 2022.7 prints, byte for byte on stdout and
 * stderr, with the same exit code: on a fixed repository, and on repositories that ostree itself makes from
 * generated trees (fixtures' FileTrees: interleaved files and directories, names that sort differently as UTF-8 and UTF-16,
 * xattrs), with generated commit messages, metadata of every GVariant type, refs, remote refs, aliases and a summary.
 */
class OstreeCliInteropTest {
    @TempDir
    static Path dir;
    private static Path repo;

    /** What one run printed. */
    private record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void setUp() throws Exception {
        Requirements.tool("ostree");
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
        Run r = runOstree(List.of(args));
        assertEquals(0, r.exit(), String.join(" ", args) + ": " + r.err());
        return r.out();
    }

    private static Run runOstree(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ostree"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LC_ALL", "C.UTF-8");
        Path err = Files.createTempFile("ostree-err", ".txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        String stderr = Files.readString(err);
        Files.delete(err);
        return new Run(exit, out, stderr);
    }

    private static Run runOurs(List<String> args) {
        List<String> full = new ArrayList<>(List.of("ostree"));
        full.addAll(args);
        InProcessCli.Result r = InProcessCli.run(full.toArray(String[]::new));
        return new Run(r.code(), r.out(), r.err());
    }

    /**
     * An orphan commit has ostree's checksum: ostree's --orphan writes an empty ostree.ref-binding, --no-bindings
     * none (found by fixtures' ReferenceChecks.ostreeCommitChecksum).
     */
    @Test
    void orphanCommitsMatchOstree() throws Exception {
        for (List<String> options : List.<List<String>>of(List.of(), List.of("--no-bindings"), List.of("-s", "x", "--add-metadata-string=a=b"))) {
            Path theirs = Files.createTempDirectory(dir, "orphan-theirs");
            Path ours = Files.createTempDirectory(dir, "orphan-ours");
            ostree("init", "--repo=" + theirs, "--mode=archive");
            ostree("init", "--repo=" + ours, "--mode=archive");
            List<String> args = new ArrayList<>(List.of("--orphan", "--tree=dir=" + dir.resolve("tree"), "--timestamp=@0"));
            args.addAll(options);
            List<String> theirArgs = new ArrayList<>(List.of("commit", "--repo=" + theirs));
            theirArgs.addAll(args);
            List<String> ourArgs = new ArrayList<>(List.of("commit", "--repo=" + ours));
            ourArgs.addAll(args);
            Run expected = runOstree(theirArgs);
            assertEquals(0, expected.exit(), expected.err());
            assertEquals(expected, runOurs(ourArgs), String.join(" ", args));
        }
    }

    /** The verb with {@code --repo=} inserted after it, run by both tools. */
    private static void same(Path repository, String... args) throws Exception {
        List<String> full = new ArrayList<>(List.of(args[0], "--repo=" + repository));
        full.addAll(List.of(args).subList(1, args.length));
        Run theirs = runOstree(full);
        Run ours = runOurs(full);
        if (theirs.exit() > 128) {
            // ostree died of a signal: it follows a symlink that points at itself (a generated tree may have one, and
            // `ostree cat` of it overflows its stack). There is nothing to match; ours must fail with an error instead.
            assertEquals(1, ours.exit(), String.join(" ", full) + ": " + ours);
            assertTrue(ours.out().isEmpty() && !ours.err().isBlank(), String.join(" ", full) + ": " + ours);
            return;
        }
        assertEquals(theirs, ours, String.join(" ", full));
    }

    private static void same(String... args) throws Exception {
        same(repo, args);
    }

    /** A symlink to itself: ours says so (ostree 2022.7 dies of SIGSEGV on it, which {@link #same} allows for). */
    @Test
    void catOfASelfLinkFails() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("self-link"));
        Files.createSymbolicLink(tree.resolve("a"), Path.of("a"));
        Path r = dir.resolve("self-link-repo");
        ostree("init", "--repo=" + r, "--mode=archive");
        ostree("commit", "--repo=" + r, "-b", "main", "--tree=dir=" + tree);
        same(r, "cat", "main", "/a");
        assertEquals(new Run(1, "", "error: Too many levels of symbolic links: /a\n"),
                runOurs(List.of("cat", "--repo=" + r, "main", "/a")));
    }

    @Test
    void lsMatches() throws Exception {
        same("ls", "-R", "main");
        same("ls", "main", "/usr/bin");
        same("ls", "-C", "main", "/usr");
        same("ls", "-d", "main", "/usr");
        same("ls", "main", "/missing");
        same("ls", "main", "usr/");
        same("ls", "main", "/usr/bin/tool/x");
    }

    @Test
    void showLogRevParseRefsCatMatch() throws Exception {
        same("show", "main");
        same("show", "main^");
        same("log", "main");
        same("rev-parse", "main^");
        same("refs");
        same("cat", "main", "/usr/bin/tool");
        same("cat", "main", "/bin/tool");
        same("cat", "main", "/usr");
        same("show", "--print-metadata-key=version", "main^");
        same("show", "--print-metadata-key=missing", "main");
    }

    /**
     * Every read verb on a repository that ostree made from generated trees, commit messages, metadata and refs.
     * bare-user repositories keep xattrs in {@code user.ostreemeta}, archive ones in the object header.
     */
    @Property(tries = 4)
    void readVerbsMatchOstreeOnGeneratedRepositories(@ForAll @LongRange(min = 1, max = 1_000_000) long seed,
            @ForAll @IntRange(min = 0, max = 1) int bareUser, @ForAll @Size(3) List<@From("trees") FileTree> trees)
            throws Exception {
        // jqwik runs outside JUnit Jupiter's lifecycle, so it makes and removes its own directory.
        Path work = Files.createTempDirectory("generated");
        try {
            Random random = new Random(seed);
            Path r = work.resolve("repo");
            ostree("init", "--repo=" + r, "--mode=" + (bareUser == 1 ? "bare-user" : "archive"));
            List<String> commits = new ArrayList<>();
            Map<String, String> metadataKeys = new LinkedHashMap<>();
            for (int c = 0; c < 3; c++) {
                Path tree = work.resolve("tree" + c);
                trees.get(c).write(tree);
                List<String> args = new ArrayList<>(List.of("commit", "--repo=" + r, "-b", c == 2 ? "other/branch" : "main",
                        "--tree=dir=" + tree, "--timestamp=@" + (1_600_000_000L + random.nextInt(100_000_000)),
                        "--subject=" + pick(random, SUBJECTS), "--body=" + pick(random, BODIES)));
                if (random.nextBoolean()) {
                    args.add("--add-metadata-string=version=" + pick(random, List.of("1.0", "2024.1 beta", "ü")));
                }
                for (int k = 0; k < 6; k++) {
                    Variant v = randomVariant(random, 0);
                    String key = "test.key" + c + "." + k;
                    args.add("--add-metadata=" + key + "=" + GVariantText.format(v.type(), v.value()));
                    metadataKeys.put(key, c == 2 ? "other/branch" : "main");
                }
                commits.add(ostree(args.toArray(String[]::new)).strip());
            }
            for (String ref : List.of("team/a", "team/b/c", "x", "x.y/z", "z-9")) {
                ostree("refs", "--repo=" + r, "--create=" + ref, commits.get(random.nextInt(commits.size())));
            }
            ostree("refs", "--repo=" + r, "--alias", "--create=team/alias", "team/a");
            for (String remoteRef : List.of("origin/main", "origin/sub/x", "mirror/only-remote")) {
                Path f = r.resolve("refs/remotes").resolve(remoteRef);
                Files.createDirectories(f.getParent());
                Files.writeString(f, commits.get(random.nextInt(commits.size())) + "\n");
            }
            ostree("summary", "--repo=" + r, "-u", "--add-metadata=extra=" + GVariantText.format(GVariantType.of("as"), List.of("a", "b")));

            for (String args : List.of("-R", "-R -X", "-R -C", "-d", "-R -d", "--nul-filenames-only -R", "-X -C")) {
                List<String> ls = new ArrayList<>(List.of("ls"));
                ls.addAll(List.of(args.split(" ")));
                ls.add("main");
                same(r, ls.toArray(String[]::new));
            }
            String[] paths = ostree("ls", "--repo=" + r, "--nul-filenames-only", "-R", "main").split("\0");
            for (int i = 0; i < 8; i++) {
                String path = paths[random.nextInt(paths.length)];
                same(r, "ls", "-X", "-C", "main", path);
                same(r, "cat", "main", path);
            }
            same(r, "ls", "main", "/no-such-file", "/");
            for (String rev : List.of("main", "main^", "other/branch", "team/alias", commits.get(0), "origin:main")) {
                same(r, "show", rev);
                same(r, "show", "--raw", rev);
                same(r, "show", "-B", rev);
                same(r, "show", "--print-related", rev);
                same(r, "log", rev);
                same(r, "log", "--raw", rev);
                same(r, "rev-parse", rev);
            }
            for (Map.Entry<String, String> key : metadataKeys.entrySet()) {
                same(r, "show", "--print-metadata-key=" + key.getKey(), key.getValue());
            }
            String root = ostree("ls", "--repo=" + r, "-d", "-C", "main").split(" +")[4];
            same(r, "show", root);
            for (String rev : List.of("only-remote", "sub/x", "origin/main", "team", "bad ref", commits.get(1).substring(0, 1 + random.nextInt(8)))) {
                same(r, "rev-parse", rev);
            }
            for (String refs : List.of("", "team", "--list team", "-A", "origin:", "--list origin:", "x.y")) {
                List<String> args = new ArrayList<>(List.of("refs"));
                if (!refs.isEmpty()) {
                    args.addAll(List.of(refs.split(" ")));
                }
                same(r, args.toArray(String[]::new));
            }
            same(r, "summary", "--view");
            same(r, "summary", "--raw");
            same(r, "fsck");
            same(r, "fsck", "-q");
        } finally {
            Trees.deleteTree(work);
        }
    }

    /**
     * A missing and a corrupt content object, with each option and checked twice: the same messages, exit codes and
     * partial-commit marks. A check that stops at a corrupt object prints ostree's progress up to the object it
     * happened to check first, which is not compared.
     */
    @Test
    void fsckReportsProblemsAsOstree() throws Exception {
        Path tree = dir.resolve("fsck-tree");
        FileTrees.sample(7, false).write(tree);
        // A non-empty file for the damage below, whatever the sample holds.
        Files.writeString(tree.resolve("damaged-file"), "content\n");
        for (String damage : List.of("missing", "corrupt")) {
            for (String option : List.of("", "--all", "--delete")) {
                Path a = dir.resolve("fsck-" + damage + option + "-ostree");
                Path b = dir.resolve("fsck-" + damage + option + "-ours");
                // bare-user keeps file contents as they are, so changing a byte makes a checksum mismatch, not a zlib error.
                ostree("init", "--repo=" + a, "--mode=bare-user");
                ostree("commit", "--repo=" + a, "-b", "main", "--tree=dir=" + tree, "--timestamp=@0");
                Path object;
                try (var walk = Files.walk(a.resolve("objects"))) {
                    object = a.relativize(walk.filter(p -> p.toString().endsWith(".file") && p.toFile().length() > 0)
                            .sorted().findFirst().orElseThrow());
                }
                if (damage.equals("missing")) {
                    Files.delete(a.resolve(object));
                } else {
                    byte[] data = Files.readAllBytes(a.resolve(object));
                    data[0] ^= 1;
                    Files.write(a.resolve(object), data);
                }
                Trees.copyTree(a, b);
                List<String> args = new ArrayList<>(List.of("fsck"));
                if (!option.isEmpty()) {
                    args.add(option);
                }
                for (int run = 0; run < 2; run++) {
                    List<String> theirs = new ArrayList<>(args);
                    theirs.add(1, "--repo=" + a);
                    List<String> ours = new ArrayList<>(args);
                    ours.add(1, "--repo=" + b);
                    Run t = runOstree(theirs);
                    Run o = runOurs(ours);
                    String what = damage + " " + option + " run " + run;
                    assertEquals(t.exit(), o.exit(), what);
                    assertEquals(t.err().replace(a.toString(), "REPO"), o.err().replace(b.toString(), "REPO"), what);
                    if (t.exit() == 0 || !damage.equals("corrupt") || !option.isEmpty()) {
                        assertEquals(t.out(), o.out(), what);
                    }
                    assertEquals(listing(a.resolve("state")), listing(b.resolve("state")), what);
                }
            }
        }
    }

    private static List<String> listing(Path d) throws IOException {
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (var s = Files.list(d)) {
            List<String> out = new ArrayList<>();
            for (Path p : s.sorted().toList()) {
                out.add(p.getFileName() + "=" + Files.readString(p));
            }
            return out;
        }
    }

    private static final List<String> SUBJECTS = List.of("", "one line", "with 'quotes' and \"more\"", "unicode é ü 日本",
            "ends with newline\n", "two\nlines");
    private static final List<String> BODIES = List.of("", "body", "two\nlines", "trailing newline\n", "\n\nleading blank lines",
            "blank\n\nline inside\n\n", "tab\there");

    private static <T> T pick(Random random, List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    /**
     * A random GVariant value of any type: numbers at their extremes, doubles of many magnitudes (byte-swapped by
     * ostree show, they become subnormals, NaNs and infinities), strings with quotes, controls and non-BMP
     * characters, bytestrings and binary byte arrays, maybes (nested too), variants, tuples and dictionaries.
     */
    private static Variant randomVariant(Random r, int depth) {
        int kind = r.nextInt(depth > 2 ? 15 : 21);
        return switch (kind) {
            case 0 -> Variant.of("b", r.nextBoolean());
            case 1 -> Variant.of("y", (byte) r.nextInt());
            case 2 -> Variant.of("n", (short) r.nextInt());
            case 3 -> Variant.of("q", (short) r.nextInt());
            case 4 -> Variant.of("i", r.nextInt());
            case 5 -> Variant.of("u", r.nextInt());
            case 6 -> Variant.of("x", r.nextLong());
            case 7 -> Variant.of("t", r.nextLong());
            case 8 -> Variant.of("h", r.nextInt(100));
            // No subnormals: GLib's parser refuses them (strtod reports an underflow); printed byte-swapped, they come anyway.
            case 9 -> Variant.of("d", pick(r, List.of(0.1, -0.0, 1e300, 1.5, 123456789.0, 1e-5, 12345678901234567890.0,
                    Double.MIN_NORMAL, r.nextDouble() * Math.pow(10, r.nextInt(40) - 20))));
            case 10 -> Variant.of("s", randomString(r));
            case 11 -> Variant.of("o", pick(r, List.of("/", "/a/b_c", "/org/x1")));
            case 12 -> Variant.of("g", pick(r, List.of("", "as", "a{sv}", "(iu)")));
            case 13 -> {
                byte[] b = new byte[r.nextInt(6)];
                r.nextBytes(b);
                if (r.nextBoolean() && b.length > 0) {
                    // A bytestring: one NUL, at the end.
                    for (int i = 0; i < b.length - 1; i++) {
                        b[i] = (byte) (b[i] == 0 ? '\'' : b[i]);
                    }
                    b[b.length - 1] = 0;
                }
                yield Variant.of("ay", b);
            }
            case 14 -> Variant.of("as", List.of(randomString(r), randomString(r)).subList(0, r.nextInt(3)));
            case 15 -> {
                Variant inner = randomVariant(r, depth + 1);
                yield new Variant(GVariantType.of("m" + inner.type()), r.nextBoolean() ? Optional.of(inner.value()) : Optional.empty());
            }
            case 16 -> {
                Variant inner = randomVariant(r, depth + 1);
                Object value = switch (r.nextInt(3)) {
                    case 0 -> Optional.empty();
                    case 1 -> Optional.of(Optional.empty());
                    default -> Optional.of(Optional.of(inner.value()));
                };
                yield new Variant(GVariantType.of("mm" + inner.type()), value);
            }
            case 17 -> Variant.of("v", randomVariant(r, depth + 1));
            case 18 -> {
                Variant a = randomVariant(r, depth + 1);
                Variant b = randomVariant(r, depth + 1);
                yield new Variant(GVariantType.of("(" + a.type() + b.type() + ")"), List.of(a.value(), b.value()));
            }
            case 19 -> {
                List<Object> entries = new ArrayList<>();
                for (int i = 0; i < r.nextInt(3); i++) {
                    entries.add(new DictEntry("k" + i, randomVariant(r, depth + 1)));
                }
                yield Variant.of("a{sv}", entries);
            }
            default -> {
                Variant one = randomVariant(r, depth + 1);
                yield new Variant(GVariantType.of("(" + one.type() + ")"), List.of(one.value()));
            }
        };
    }

    private static String randomString(Random r) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < r.nextInt(8); i++) {
            s.append(pick(r, List.of("a", "'", "\"", "\\", "\n", "\t", "\u0007", "\u007f", "\u0085", "\u00ad", "é", "\u200b",
                    "\uD83D\uDE00", "\uE000", " ", "\u0001")));
        }
        return s.toString();
    }

    @Provide
    Arbitrary<FileTree> trees() {
        return FileTrees.trees();
    }
}
