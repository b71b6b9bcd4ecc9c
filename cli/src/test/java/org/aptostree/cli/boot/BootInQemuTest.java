package org.aptostree.cli.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.aptostree.cli.Main;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Boots what apt-ostree makes, with real parts: composes {@code examples/bootable.yaml} (Debian trixie from
 * deb.debian.org; the packages are cached under {@code target/boot-test/cache} with the resolved lockfile, so a second
 * run is offline) plus a unit that reports the booted state on the serial console; deploys it with ours into a
 * directory sysroot; and boots it with {@code scripts/boot-in-qemu.sh} (an ext4 image made by {@code mkfs.ext4 -d},
 * QEMU's direct kernel boot with the kernel, initramfs and options of the BLS entry). Then the life of a host:
 * /etc is edited in boot 1; a second commit with one more package (hello) is deployed with ours into the disk's
 * sysroot (loop-mounted) and booted, the first listed as rollback and the edit carried over; a rollback boots the
 * first again. Each boot must show ostree-prepare-root finished, multi-user.target reached, no unit failed, and
 * {@code ostree admin status} inside marking the expected deployment as booted. The boot timings (from the kernel's
 * time stamps on the console) go to {@code target/boot-test/timings.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// The class runs beside the other classes (mostly QEMU's waiting); its steps run in order, in its own thread.
@Execution(ExecutionMode.CONCURRENT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BootInQemuTest {
    private static final String REF = "aptostree/boot-test";
    private static final String OS = "debian";
    /**
     * A generous bound for one boot under TCG (two minutes on an idle machine; six were not enough once with the
     * machine's two cores shared by four other builds).
     */
    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(10);
    /**
     * A guest that has started to write and then writes nothing for this long has hung: a boot prints a line every few
     * seconds, even under TCG.
     */
    private static final Duration STALL = Duration.ofMinutes(3);
    /** systemd's messages on the console with the kernel's time stamps, for the timings. */
    private static final String KARGS = "systemd.log_target=kmsg printk.devkmsg=on";
    private static final String REPORT = "aptostree-check: ";

    private Path checkout;
    private Path work;
    private Path cache;
    private Path run;
    private Path repo;
    private Path updateRepo;
    private Path sysroot;
    private Path disk;
    private Path mountPoint;
    private final String edit = "edited-in-boot-1-" + Long.toHexString(System.nanoTime());
    private String commit1;
    private String commit2;
    /**
     * The second compose (into a repository of its own) runs beside the first when the cache has both package sets,
     * else beside boot 1: dracut in the sandbox uses about one core, as does each compose's other work.
     */
    private CompletableFuture<String> secondCompose;
    private final List<String> timings = java.util.Collections.synchronizedList(new ArrayList<>());

    private static void require(boolean present, String what) {
        Requirements.that(present, what + ", for the boot test");
    }

    @BeforeAll
    void setUp() throws Exception {
        checkout = Path.of("").toAbsolutePath().getParent();
        require(Files.isRegularFile(checkout.resolve("examples/bootable.yaml")), "the checkout's examples/bootable.yaml");
        for (String tool : List.of("qemu-system-x86_64", "mkfs.ext4", "debugfs", "bwrap", "chattr", "mount", "umount", "ostree")) {
            Requirements.tool(tool); // Debian: qemu-system-x86, e2fsprogs, bubblewrap, mount, ostree
        }
        Requirements.root(); // deployments hold root-owned files; the disk is loop-mounted
        work = Path.of("target/boot-test").toAbsolutePath();
        cache = work.resolve("cache");
        run = work.resolve("run");
        if (Files.exists(run)) {
            exec(List.of("umount", run.resolve("mnt").toString()), true);
            exec(List.of("chattr", "-R", "-i", run.toString()), true);
            exec(List.of("rm", "-rf", run.toString()), false);
        }
        Files.createDirectories(run);
        Files.createDirectories(cache);
        repo = run.resolve("repo");
        updateRepo = run.resolve("update-repo");
        sysroot = run.resolve("sysroot");
        disk = run.resolve("disk.img");
        mountPoint = run.resolve("mnt");

        Path installer = Path.of(BootInQemuTest.class.getResource("install-boot-check.sh").toURI());
        Files.writeString(run.resolve("base.yaml"), "# examples/bootable.yaml with the boot test's reporting unit\n"
                + "include: " + checkout.resolve("examples/bootable.yaml") + "\nref: " + REF + "\npostprocess-script: " + installer
                + "\nunits: [aptostree-boot-check.service]\n");
        Files.writeString(run.resolve("update.yaml"), "# the same with one more package\ninclude: base.yaml\npackages: [hello]\n");
        for (Path r : List.of(repo, updateRepo)) {
            ours("ostree", "--repo=" + r, "init", "--mode=bare-user");
        }
        if (Files.isRegularFile(lockfile("base.yaml")) && Files.isRegularFile(lockfile("update.yaml"))) {
            startSecondCompose();
        }
    }

    private void startSecondCompose() {
        secondCompose = CompletableFuture.supplyAsync(() -> {
            try {
                return compose("update.yaml", updateRepo);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    @Order(1)
    void theComposedExampleBootsFromADirectorySysrootDeployedByUs() throws Exception {
        commit1 = compose("base.yaml", repo);
        if (secondCompose == null) {
            startSecondCompose();
        }
        ours("ostree", "admin", "init-fs", sysroot.toString());
        ours("ostree", "admin", "os-init", "--sysroot=" + sysroot, OS);
        ours("ostree", "--repo=" + sysroot.resolve("ostree/repo"), "pull-local", repo.toString(), REF);
        ours("ostree", "admin", "deploy", "--sysroot=" + sysroot, "--os=" + OS, REF);

        String console = boot("boot1", List.of(sysroot.toString(), disk.toString()), "aptostree.edit=" + edit);
        assertBooted(console, commit1 + ".0");
        assertReport(console, "etc-edit=" + edit);
        assertReport(console, "hello=none");
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    @Order(2)
    void aSecondDeploymentWithOneMorePackageBootsWithTheFirstAsRollbackAndTheEtcEdit() throws Exception {
        assertNotNull(commit1, "boot 1 did not run");
        try {
            commit2 = secondCompose.join();
        } catch (CompletionException e) {
            throw (Exception) e.getCause();
        }
        withDiskMounted(() -> {
            ours("ostree", "--repo=" + mountPoint.resolve("ostree/repo"), "pull-local", updateRepo.toString(), REF);
            ours("ostree", "admin", "deploy", "--sysroot=" + mountPoint, "--os=" + OS, REF);
        });

        String console = boot("boot2", List.of(disk.toString()), "");
        assertBooted(console, commit2 + ".0");
        assertReport(console, "status   " + OS + " " + commit1 + ".0 (rollback)");
        assertReport(console, "etc-edit=" + edit);
        assertReport(console, "hello=/usr/bin/hello");
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    @Order(3)
    void aRollbackBootsTheFirstDeploymentAgain() throws Exception {
        assertNotNull(commit2, "boot 2 did not run");
        withDiskMounted(() -> ours("rollback", "--sysroot=" + mountPoint));

        String console = boot("boot3", List.of(disk.toString()), "");
        assertBooted(console, commit1 + ".0");
        assertReport(console, "status   " + OS + " " + commit2 + ".0 (rollback)");
        assertReport(console, "etc-edit=" + edit);
        assertReport(console, "hello=none");
        Files.write(work.resolve("timings.txt"), timings);
        timings.forEach(System.out::println);
    }

    // ------------------------------------------------------------------ composing

    /**
     * Composes a treefile of the run directory: the first time online, writing the lockfile into the cache; then
     * from that lockfile, offline. The lockfile's name carries a digest of the treefiles, so a changed example is
     * resolved again.
     */
    private String compose(String treefile, Path into) throws Exception {
        Path tf = run.resolve(treefile);
        Path lockfile = lockfile(treefile);
        Path commitFile = run.resolve(treefile + ".commit");
        List<String> args = new ArrayList<>(List.of("compose", "tree", tf.toString(), "--repo=" + into, "--cachedir=" + cache,
                "--workdir=" + run.resolve("compose-work"), "--write-commitid-to=" + commitFile));
        if (Files.isRegularFile(lockfile)) {
            args.addAll(List.of("--lockfile=" + lockfile, "--offline"));
        } else {
            require(reachable("http://deb.debian.org/debian/dists/trixie/InRelease"),
                    "deb.debian.org (or the package cache of an earlier run in " + cache + ")");
            args.add("--write-lockfile-to=" + lockfile);
        }
        long start = System.nanoTime();
        ours(args.toArray(String[]::new));
        timings.add(String.format("compose %s: %.0f s", treefile, (System.nanoTime() - start) / 1e9));
        String commit = Files.readString(commitFile).strip();
        // The example's kernel boots a deployment, so the commit says so as ostree-ext and bootc read it.
        assertEquals("true", realOstreeMetadata(into, commit, "ostree.bootable"));
        assertTrue(realOstreeMetadata(into, commit, "ostree.linux").matches("'\\d+\\.\\d+\\.\\d+.*-amd64'"));
        return commit;
    }

    /** Where a treefile's resolved package set is kept, named by a digest of the treefiles. */
    private Path lockfile(String treefile) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(Files.readAllBytes(checkout.resolve("examples/bootable.yaml")));
        sha.update(Files.readAllBytes(run.resolve("base.yaml")));
        sha.update(Files.readAllBytes(run.resolve(treefile)));
        return cache.resolve(treefile.replace(".yaml", "") + "-" + HexFormat.of().formatHex(sha.digest(), 0, 8) + ".lock.json");
    }

    // ------------------------------------------------------------------ booting

    /**
     * Boots with scripts/boot-in-qemu.sh and returns the console, without colours; the guest powers itself off. A boot
     * that never reports (the guest kernel oopses, hangs or drops to an emergency shell) is tried once more, its
     * console kept beside the second's and its end printed: under TCG the guest kernel has died of the emulation's
     * own faults (an "int3" oops from code patched on another virtual CPU; an initramfs that stalled for minutes on a
     * busy host), which a second boot of the same disk did not repeat. A boot that reports but reports the wrong
     * state fails at once, and so does a second boot without a report.
     */
    private String boot(String name, List<String> scriptArgs, String kargs) throws Exception {
        Attempt first = attempt(name, scriptArgs, kargs);
        Attempt last = first;
        if (!first.reported()) {
            Path kept = run.resolve(name + ".console.1");
            Files.writeString(kept, first.console());
            System.out.println(name + ": no report (" + first.ending() + "), booting again; the console is in " + kept + ":\n"
                    + first.out() + "\n" + tail(first.console(), 40));
            timings.add(name + ": first boot gave no report (" + first.ending() + ")");
            last = attempt(name, scriptArgs, kargs);
        }
        if (!last.reported()) {
            fail(name + ": no report on the console " + last.ending() + (last == first ? "" : ", in two boots") + "\n"
                    + last.out() + "\n" + tail(last.console(), 60));
        }
        timings.add(name + ": " + timing(last.console(), last.seconds()));
        return last.console();
    }

    /** One run of QEMU: its console, whether the report came, and if not, how the run ended. */
    private record Attempt(String console, String out, boolean reported, String ending, double seconds) {
    }

    private Attempt attempt(String name, List<String> scriptArgs, String kargs) throws Exception {
        Path console = run.resolve(name + ".console");
        Files.deleteIfExists(console);
        List<String> command = new ArrayList<>(List.of("bash", checkout.resolve("scripts/boot-in-qemu.sh").toString()));
        command.addAll(scriptArgs);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(run.resolve(name + ".out").toFile());
        pb.environment().putAll(Map.of("BOOT_CONSOLE", console.toString(), "BOOT_KARGS", (KARGS + " " + kargs).strip()));
        long start = System.nanoTime();
        Process qemu = pb.start();
        long deadline = start + BOOT_TIMEOUT.toNanos();
        long reported = 0;
        long grew = start;
        int length = 0;
        String ending = null;
        String text = "";
        while (qemu.isAlive()) {
            Thread.sleep(500);
            text = read(console);
            long now = System.nanoTime();
            if (text.length() != length) {
                length = text.length();
                grew = now;
            }
            if (reported == 0 && text.contains(REPORT + "done")) {
                reported = now;
            }
            if (reported == 0) {
                ending = now > deadline ? "within " + BOOT_TIMEOUT.toMinutes() + " min"
                        : length > 0 && now - grew > STALL.toNanos() ? "and no console output for " + STALL.toMinutes() + " min"
                        : deathOf(text);
            }
            // The report is all the test needs; a shutdown that hangs is not waited for long.
            if (ending != null || (reported > 0 && now - reported > Duration.ofSeconds(90).toNanos())) {
                qemu.descendants().forEach(ProcessHandle::destroy);
                qemu.destroy();
                qemu.waitFor();
                break;
            }
        }
        text = read(console);
        // The guest may have written its report and powered off between two looks.
        boolean done = text.contains(REPORT + "done");
        if (!done && ending == null) {
            ending = "before QEMU exited (" + qemu.exitValue() + ")";
        }
        return new Attempt(text, Files.readString(run.resolve(name + ".out")), done, done ? null : ending,
                (System.nanoTime() - start) / 1e9);
    }

    /** How a guest that cannot report any more says so on its console, or null. */
    private static String deathOf(String console) {
        for (String sign : List.of("Kernel panic", "Entering emergency mode", "You are in emergency mode")) {
            if (console.contains(sign)) {
                return "after '" + sign + "'";
            }
        }
        return null;
    }

    private static String read(Path console) throws IOException {
        if (!Files.exists(console)) {
            return "";
        }
        // Colours and the status line's cursor movements out, for matching.
        return new String(Files.readAllBytes(console), StandardCharsets.UTF_8)
                .replaceAll("\u001b\\[[0-9;?!]*[ -/]*[@-~]|\u001b\\][^\u0007]*\u0007", "").replace("\r", "");
    }

    /** The boot's milestones from the kernel's time stamps on the console, and systemd-analyze's sum. */
    private static String timing(String console, double wall) {
        return String.format("initramfs at %s s, ostree-prepare-root finished at %s s, multi-user.target at %s s, report at %.0f s"
                + " of QEMU's run; systemd-analyze: %s", stamp(console, "Run /init as init process"),
                stamp(console, "Finished ostree-prepare-root.service"), stamp(console, "Reached target multi-user.target"), wall,
                report(console).stream().filter(l -> l.startsWith("analyze Startup")).map(l -> l.substring(8)).findFirst().orElse("-"));
    }

    private static String stamp(String console, String message) {
        Matcher m = Pattern.compile("^\\[\\s*(\\d+\\.\\d+)\\] .*" + Pattern.quote(message), Pattern.MULTILINE).matcher(console);
        return m.find() ? m.group(1) : "?";
    }

    private void assertBooted(String console, String deployment) {
        assertTrue(console.contains("Finished ostree-prepare-root.service"), "ostree-prepare-root did not finish\n" + tail(console, 80));
        assertTrue(console.contains("Reached target multi-user.target"), "multi-user.target was not reached\n" + tail(console, 80));
        List<String> failed = report(console).stream().filter(l -> l.startsWith("failed-unit")).toList();
        assertEquals(List.of(), failed, "units failed");
        assertReport(console, "system-state=running");
        assertReport(console, "status * " + OS + " " + deployment);
    }

    /** A line of the report. */
    private static void assertReport(String console, String line) {
        List<String> report = report(console);
        assertTrue(report.contains(line), "no report line '" + line + "' in:\n" + String.join("\n", report));
    }

    /**
     * The lines the reporting unit printed. A line may start with what the serial getty printed before it, and end with
     * a kernel message that the console wrote into it ("[   89.208348] kvm_amd: ...").
     */
    private static List<String> report(String console) {
        return console.lines().filter(l -> l.contains(REPORT))
                .map(l -> l.substring(l.lastIndexOf(REPORT) + REPORT.length()).replaceFirst("\\[\\s*\\d+\\.\\d{6}\\] .*$", "")
                        .stripTrailing()).toList();
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    // ------------------------------------------------------------------ the disk

    private interface DiskWork {
        void run() throws Exception;
    }

    /** Loop-mounts the disk image, as a host's own root file system is mounted, for a deploy or rollback into it. */
    private void withDiskMounted(DiskWork work) throws Exception {
        Files.createDirectories(mountPoint);
        exec(List.of("mount", "-o", "loop", disk.toString(), mountPoint.toString()), false);
        try {
            work.run();
        } finally {
            exec(List.of("umount", mountPoint.toString()), false);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static boolean reachable(String url) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setRequestMethod("HEAD");
            c.setConnectTimeout(10_000);
            c.setReadTimeout(10_000);
            return c.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Our CLI in a JVM of its own: this class runs beside the others (it is mostly QEMU's waiting), and their captured
     * System.out must not receive its output.
     */
    private static String ours(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return exec(command, false);
    }

    private static String exec(List<String> command, boolean mayFail) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        if (rc != 0 && !mayFail) {
            throw new IOException(String.join(" ", command) + " exited " + rc + ":\n" + out);
        }
        return out;
    }

    /** The real ostree's reading of a commit's metadata key. */
    private static String realOstreeMetadata(Path repo, String commit, String key) throws Exception {
        return exec(List.of("ostree", "--repo=" + repo, "show", "--print-metadata-key=" + key, commit), false).strip();
    }
}
