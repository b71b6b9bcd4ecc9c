package org.aptostree.cli.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.aptostree.deb.compression.Compression;
import org.aptostree.fixtures.cpio.CpioBuilder;
import org.aptostree.fixtures.deb.DebBuilder;
import org.aptostree.fixtures.deb.RepositoryBuilder;
import org.aptostree.fixtures.deb.SigningKey;
import org.aptostree.ostree.sysroot.EffectiveUser;
import org.aptostree.testkit.DebianData;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Composes trixie minbase from the real signed Debian data ({@link DebianData}, a {@code copy://} source),
 * as the unprivileged user {@code nobody} when the tests run as root, and checks the result with the real
 * tools: {@code ostree fsck}; the checkout against {@code mmdebstrap --variant=minbase} of the same mirror
 * (same files, types, modes, owners and contents, apart from the OSTree layout moves and the files
 * mmdebstrap writes itself); dpkg, apt and bash inside a bubblewrap sandbox of the checkout with /var made
 * by {@code systemd-tmpfiles} from the commit's own tmpfiles.d; reproducibility; the lockfile offline; and
 * the failure paths (unsatisfiable request, failing maintainer script, damaged cache).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeMinbaseTest {
    /** Both composes run with this, as does mmdebstrap, so that dated files (shadow's last change) agree. */
    private static final String EPOCH = "1763000000";
    private static final String REF = "debian/trixie/amd64/minbase";

    private Path work;
    private Path mirror;
    private Path keyring;
    private Path cache;
    private Path lockfile;
    private String firstCommit;
    private boolean asNobody;
    private Path classpath;

    @BeforeEach
    void setUp() throws Exception {
        Requirements.tools("bwrap", "ostree", "systemd-tmpfiles", "setpriv");
        mirror = DebianData.mirror();
        keyring = DebianData.keyring();
        if (work != null) {
            return;
        }
        work = Files.createTempDirectory(Path.of("/tmp"), "compose-test");
        Files.setAttribute(work, "unix:mode", 0777);
        cache = work.resolve("cache");
        asNobody = EffectiveUser.isRoot();
        if (asNobody) {
            // nobody cannot read root's Maven repository: give it a copy of the test class path.
            classpath = work.resolve("classpath");
            Files.createDirectories(classpath);
            int i = 0;
            for (String entry : System.getProperty("java.class.path").split(":")) {
                Path source = Path.of(entry);
                Path copy = classpath.resolve(i++ + "-" + source.getFileName());
                run(List.of("cp", "-a", source.toString(), copy.toString()), Map.of());
            }
            run(List.of("chmod", "-R", "a+rX", classpath.toString()), Map.of());
        }
        Files.writeString(work.resolve("minbase.yaml"), treefile(""));
    }

    private String treefile(String extra) {
        return "ref: " + REF + "\nvariant: minbase\npackages: []\n" + extra + "sources: |\n  Types: deb\n  URIs: copy://" + mirror
                + "\n  Suites: trixie\n  Components: main\n  Signed-By: " + keyring + "\n";
    }

    @Test
    @Order(1)
    void composesMinbaseAsAnUnprivilegedUserAndOstreeAcceptsIt() throws Exception {
        Path repo = newRepo("repo1");
        lockfile = work.resolve("minbase.lock.json");
        String out = compose(true, work.resolve("minbase.yaml"), repo, "--write-lockfile-to", lockfile.toString());
        firstCommit = out.strip().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(firstCommit.matches("[0-9a-f]{64}"), out);
        assertTrue(run(List.of("ostree", "--repo=" + repo, "fsck"), Map.of()).contains("no errors"));
        String meta = run(List.of("ostree", "--repo=" + repo, "show", REF, "--print-metadata-key=aptostree.packages"), Map.of());
        assertEquals(DebianData.minbase().size(), meta.split("\\), \\(").length, meta);
    }

    @Test
    @Order(2)
    void checkoutMatchesMmdebstrapApartFromTheLayoutMoves() throws Exception {
        Requirements.root(); // owners in a checkout
        Requirements.tool("mmdebstrap");
        Path ours = work.resolve("checkout");
        run(List.of("ostree", "--repo=" + work.resolve("repo1"), "checkout", REF, ours.toString()), Map.of());
        Files.move(ours.resolve("usr/etc"), ours.resolve("etc"));
        run(List.of("systemd-tmpfiles", "--create", "--root=" + ours, ours.resolve("usr/lib/tmpfiles.d/aptostree-autovar.conf").toString()),
                Map.of());
        Path reference = work.resolve("mmdebstrap");
        Files.createDirectories(reference);
        run(List.of("mmdebstrap", "--quiet", "--variant=minbase", "--keyring=" + keyring, "trixie", work.resolve("mm.tar").toString(),
                "deb copy://" + mirror + " trixie main"), Map.of("SOURCE_DATE_EPOCH", EPOCH));
        run(List.of("tar", "--numeric-owner", "-xpf", work.resolve("mm.tar").toString(), "-C", reference.toString()), Map.of());

        Map<String, String> theirs = listing(reference, Map.of());
        Map<String, String> mine = listing(ours, Map.of("usr/lib/sysimage/dpkg", "var/lib/dpkg", "var/roothome", "root",
                "var/usrlocal", "usr/local", "var/home", "home", "var/opt", "opt", "var/srv", "srv", "var/mnt", "mnt"));
        List<String> differences = new ArrayList<>();
        for (String path : new java.util.TreeSet<>(java.util.Set.copyOf(union(theirs, mine)))) {
            String a = theirs.get(path);
            String b = mine.get(path);
            if (!java.util.Objects.equals(a, b) && !expectedDifference(path)) {
                differences.add(path + ": mmdebstrap " + a + ", ours " + b);
            }
        }
        assertEquals(List.of(), differences);
    }

    /**
     * The differences that are not the compose's: /dev and /run (not in an OSTree commit); what mmdebstrap writes
     * itself (sources.list, fstab, hostname, resolv.conf, dpkg's arch file); what running apt inside the tree
     * leaves (its lock files, partial directories owned by _apt); dpkg's backups of its previous state
     * (status-old, diversions-old), which depend on how many dpkg runs there were; the OSTree layout's own
     * paths; and /var/opt, which in the OSTree layout is where /opt points.
     */
    private static boolean expectedDifference(String path) {
        return path.startsWith("dev/") || path.equals("dev") || path.startsWith("usr/share/factory")
                || path.startsWith("run/") || path.equals("sysroot") || path.equals("ostree") || path.equals("usr/lib/sysimage")
                || path.equals("usr/lib/tmpfiles.d/aptostree-autovar.conf") || path.equals("media")
                || List.of("etc/apt/sources.list", "etc/fstab", "etc/hostname", "etc/resolv.conf", "var/lib/dpkg/arch",
                        "var/cache/apt/archives/lock", "var/lib/apt/lists/lock", "var/cache/apt/archives/partial",
                        "var/lib/apt/lists/partial", "var/lib/dpkg/status-old", "var/lib/dpkg/diversions-old",
                        "var/cache/debconf/config.dat-old", "var/cache/debconf/templates.dat-old", "var/opt").contains(path);
    }

    @Test
    @Order(3)
    void dpkgAptAndBashWorkInASandboxOfTheCheckout() throws Exception {
        Path co = work.resolve("sandbox-checkout");
        run(List.of("ostree", "--repo=" + work.resolve("repo1"), "checkout", "-U", REF, co.toString()), Map.of());
        run(List.of("systemd-tmpfiles", "--create", "--root=" + co, co.resolve("usr/lib/tmpfiles.d/aptostree-autovar.conf").toString()),
                Map.of());
        String script = "dpkg -l | grep -c '^ii'; dpkg --verify; echo verify-rc=$?; apt-get check -q >/dev/null && echo apt-check-ok;"
                + " bash -c 'echo bash-runs'";
        String out = run(List.of("bwrap", "--unshare-user", "--uid", "0", "--gid", "0", "--unshare-net", "--bind", co.toString(), "/",
                "--bind", co.resolve("usr/etc").toString(), "/etc", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/run",
                "/bin/sh", "-c", script), Map.of("PATH", "/usr/sbin:/usr/bin", "LC_ALL", "C.UTF-8"));
        assertEquals(DebianData.minbase().size() + "\nverify-rc=0\napt-check-ok\nbash-runs\n", out);
    }

    @Test
    @Order(4)
    void composesAreReproducibleAndTheLockfileWorksOffline() throws Exception {
        // A second compose, by the test's own user this time: the same commit.
        Path repo2 = newRepo("repo2");
        String second = lastLine(compose(false, work.resolve("minbase.yaml"), repo2));
        assertEquals(firstCommit, second);
        Path repo3 = newRepo("repo3");
        String fromLock = lastLine(compose(false, work.resolve("minbase.yaml"), repo3, "--lockfile", lockfile.toString(), "--offline"));
        assertEquals(firstCommit, fromLock);
        // Composing again into the same repository: nothing changed, the ref stays.
        assertEquals(firstCommit, lastLine(compose(false, work.resolve("minbase.yaml"), repo3, "--lockfile", lockfile.toString(),
                "--offline")));
    }

    @Test
    @Order(5)
    void anUnsatisfiableRequestIsExplainedAndLeavesTheRefs() throws Exception {
        Path tf = work.resolve("unsat.yaml");
        Files.writeString(tf, treefile("").replace("packages: []", "packages: [no-such-package-anywhere]"));
        Path repo = newRepo("repo-unsat");
        Result r = composeResult(tf, repo);
        assertNotEquals(0, r.exitCode);
        assertTrue(r.output.contains("no-such-package-anywhere"), r.output);
        assertFalse(Files.exists(repo.resolve("refs/heads/debian")), "no ref was written");
    }

    @Test
    @Order(6)
    void aFailingMaintainerScriptStopsTheComposeWithItsOutput() throws Exception {
        SigningKey key = SigningKey.fromSeed(7);
        byte[] deb = new DebBuilder("breaks-on-configure", "1.0", "all")
                .file("usr/share/doc/breaks-on-configure/README", "x\n")
                .script("postinst", "#!/bin/sh\necho 'postinst: this package refuses to configure' >&2\nexit 3\n")
                .build();
        Path local = new RepositoryBuilder("local", "amd64", key).add("main", deb).write(work.resolve("local-repo"));
        Path localKeyring = work.resolve("local.gpg");
        Files.write(localKeyring, key.publicKeyring());
        run(List.of("chmod", "-R", "a+rX", local.toString(), localKeyring.toString()), Map.of());
        Path tf = work.resolve("failing.yaml");
        Files.writeString(tf, treefile("").replace("packages: []", "packages: [breaks-on-configure]")
                + "\n  Types: deb\n  URIs: file://" + local + "\n  Suites: local\n  Components: main\n  Signed-By: " + localKeyring + "\n");
        Path repo = work.resolve("repo2");
        String before = Files.readString(repo.resolve("refs/heads/" + REF));
        Result r = composeResult(tf, repo);
        assertNotEquals(0, r.exitCode);
        assertTrue(r.output.contains("postinst: this package refuses to configure"), r.output);
        assertTrue(r.output.contains("configuring the packages failed"), r.output);
        assertEquals(before, Files.readString(repo.resolve("refs/heads/" + REF)));
    }

    @Test
    @Order(7)
    void aDamagedPackageInTheCacheIsFetchedAgain() throws Exception {
        Path cached = cache.resolve("sha256");
        Path victim;
        try (Stream<Path> s = Files.list(cached)) {
            victim = s.filter(p -> {
                try {
                    return Files.size(p) < 2_000_000 && Files.size(p) > 10_000;
                } catch (IOException e) {
                    return false;
                }
            }).sorted().findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(victim);
        bytes[bytes.length / 2] ^= 1;
        Files.write(victim, bytes);
        Path repo = newRepo("repo-damaged");
        Result r = composeResult(work.resolve("minbase.yaml"), repo, "--offline");
        assertEquals(0, r.exitCode, r.output);
        assertTrue(r.output.contains("damaged"), r.output);
        assertEquals(firstCommit, lastLine(r.output));
        assertEquals(sha256(Files.readAllBytes(victim)), victim.getFileName().toString());
    }

    @Test
    @Order(8)
    void aKernelWhoseInitramfsCannotBootADeploymentIsRefusedUnlessAllowed() throws Exception {
        // A synthetic kernel package whose initramfs is laid out as initramfs-tools makes it: no ostree-prepare-root.
        byte[] initramfs = CpioBuilder.concat(new CpioBuilder().directory("kernel").file("kernel/GenuineIntel.bin", "µ").build(),
                CpioBuilder.compress(new CpioBuilder().directory(".").directory("conf").file("conf/initramfs.conf", "MODULES=most\n")
                        .directory("scripts").directory("scripts/init-top")
                        .file("init", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), 0755).build(), Compression.ZSTD));
        SigningKey key = SigningKey.fromSeed(8);
        byte[] deb = new DebBuilder("linux-image-0.0.0-test", "0.0.0-1", "amd64")
                .file("boot/vmlinuz-0.0.0-test", new byte[] {'M', 'Z'}, 0644).file("boot/initrd.img-0.0.0-test", initramfs, 0644)
                .build();
        Path local = new RepositoryBuilder("local", "amd64", key).add("main", deb).write(work.resolve("kernel-repo"));
        Path localKeyring = work.resolve("kernel-repo.gpg");
        Files.write(localKeyring, key.publicKeyring());
        Path tf = work.resolve("kernel.yaml");
        Files.writeString(tf, treefile("").replace("packages: []", "packages: [linux-image-0.0.0-test]")
                + "\n  Types: deb\n  URIs: file://" + local + "\n  Suites: local\n  Components: main\n  Signed-By: " + localKeyring + "\n");
        Path repo = newRepo("repo-kernel");

        Result refused = composeResult(tf, repo, "--offline");
        assertNotEquals(0, refused.exitCode);
        assertTrue(refused.output.contains("error: the tree cannot boot as an OSTree deployment: the initramfs of kernel 0.0.0-test"
                + " (usr/lib/modules/0.0.0-test/initramfs.img) has no usr/lib/ostree/ostree-prepare-root"), refused.output);
        assertTrue(refused.output.contains("add dracut and ostree-boot to the treefile's packages"), refused.output);
        assertFalse(Files.exists(repo.resolve("refs/heads/" + REF)), "no ref was written");

        Result allowed = composeResult(tf, repo, "--offline", "--allow-unbootable");
        assertEquals(0, allowed.exitCode, allowed.output);
        assertTrue(allowed.output.contains("warning: the tree cannot boot as an OSTree deployment"), allowed.output);
        String commit = lastLine(allowed.output);
        // Not marked bootable (ostree-ext would label its image containers.bootc=1 otherwise), but the kernel is there.
        ProcessBuilder show = new ProcessBuilder("ostree", "--repo=" + repo, "show", "--print-metadata-key=ostree.bootable", commit)
                .redirectErrorStream(true);
        Process p = show.start();
        String shown = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertNotEquals(0, p.waitFor(), shown);
        assertTrue(run(List.of("ostree", "--repo=" + repo, "ls", commit, "/usr/lib/modules/0.0.0-test"), Map.of())
                .contains("initramfs.img"));
    }

    // ------------------------------------------------------------------ helpers

    private record Result(int exitCode, String output) {
    }

    private Path newRepo(String name) throws Exception {
        Path repo = work.resolve(name);
        run(List.of("ostree", "--repo=" + repo, "init", "--mode=bare-user"), Map.of());
        run(List.of("chmod", "-R", "a+rwX", repo.toString()), Map.of());
        return repo;
    }

    private String compose(boolean unprivileged, Path treefile, Path repo, String... extra) throws Exception {
        Result r = composeResult(unprivileged, treefile, repo, extra);
        assertEquals(0, r.exitCode, r.output);
        return r.output;
    }

    private Result composeResult(Path treefile, Path repo, String... extra) throws Exception {
        return composeResult(false, treefile, repo, extra);
    }

    private Result composeResult(boolean unprivileged, Path treefile, Path repo, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>();
        boolean nobody = unprivileged && asNobody;
        if (nobody) {
            cmd.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                nobody ? classpath + "/*:" + classpathDirectories() : System.getProperty("java.class.path"),
                "org.aptostree.cli.Main", "compose", "tree", treefile.toString(), "--repo=" + repo, "--cachedir=" + cache,
                "--workdir=" + work.resolve("workdir")));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SOURCE_DATE_EPOCH", EPOCH);
        pb.environment().put("HOME", work.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    /** Copied class directories go on the class path by name (a wildcard only picks up jars). */
    private String classpathDirectories() throws IOException {
        try (Stream<Path> s = Files.list(classpath)) {
            return String.join(":", s.filter(Files::isDirectory).map(Path::toString).sorted().toList());
        }
    }

    private static String lastLine(String out) {
        return out.strip().lines().reduce((a, b) -> b).orElse("");
    }

    private static String run(List<String> cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + rc + ":\n" + out);
        }
        return out;
    }

    /** path → "type mode uid:gid content" for every entry, with {@code moves} (ours → theirs) applied to the paths. */
    private static Map<String, String> listing(Path root, Map<String, String> moves) throws Exception {
        Map<String, String> out = new TreeMap<>();
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.filter(p -> !p.equals(root)).toList();
        }
        for (Path p : all) {
            String rel = root.relativize(p).toString();
            if (Files.isSymbolicLink(p) && moves.containsValue(rel)) {
                // The OSTree layout's symlink at the old place (home -> var/home): its target is compared instead.
                continue;
            }
            for (Map.Entry<String, String> m : moves.entrySet()) {
                if (rel.equals(m.getKey()) || rel.startsWith(m.getKey() + "/")) {
                    rel = m.getValue() + rel.substring(m.getKey().length());
                }
            }
            int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            String owner = Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS) + ":"
                    + Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
            String content;
            if (Files.isSymbolicLink(p)) {
                content = "-> " + Files.readSymbolicLink(p);
            } else if (rel.equals("var/lib/apt/extended_states")) {
                // apt writes the stanzas in its cache's order: the same set is the same state.
                content = String.join("|", new java.util.TreeSet<>(List.of(Files.readString(p).split("\n\n"))));
            } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                content = sha256(Files.readAllBytes(p));
            } else {
                content = "";
            }
            out.put(rel, Integer.toOctalString(mode) + " " + owner + " " + content);
        }
        return out;
    }

    private static java.util.Set<String> union(Map<String, String> a, Map<String, String> b) {
        java.util.Set<String> s = new java.util.HashSet<>(a.keySet());
        s.addAll(b.keySet());
        return s;
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
