package org.aptostree.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.aptostree.cli.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import picocli.CommandLine;

/**
 * The package installed with apt in a clean root of a Debian suite, as the README's "Install on a host" says, then
 * read with the suite's own tools (dpkg, systemd-analyze, man, bash, the suite's Java), removed and purged. The
 * cases share one root and run in order: install first, purge last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class InstalledPackageTest {
    /** Where the README's commands run: a checkout with only the package in it. */
    private static final String CHECKOUT = "/tmp/checkout";
    /** dpkg's and apt's bookkeeping, and caches of other packages that installing anything changes. */
    private static final List<String> BOOKKEEPING = List.of("var/lib/dpkg/", "var/lib/apt/", "var/cache/apt/", "var/log/",
            "var/cache/man/", "var/cache/debconf/");

    private Path work;
    private Path root;
    private Set<String> before;
    private final Map<String, Commands.Result> readme = new LinkedHashMap<>();

    /** The Debian suite, as mmdebstrap and apt name it. */
    abstract String suite();

    @BeforeAll
    void cleanRoot() throws Exception {
        Commands.require(List.of("mmdebstrap", "bwrap", "dpkg-deb", "cp"), true);
        Path pristine = SuiteRoot.pristine(BuiltPackage.buildDirectory().resolve("roots"), suite(), BuiltPackage.field("Depends"));
        work = BuiltPackage.buildDirectory().resolve("install-tests").resolve(suite());
        Commands.run(List.of("rm", "-rf", work.toString()));
        Files.createDirectories(work);
        root = work.resolve("root");
        Commands.run(List.of("cp", "-a", "--reflink=auto", pristine.toString(), root.toString()));
        // apt asks before it installs dependencies; an admin answers, the test says yes beforehand.
        Files.writeString(root.resolve("etc/apt/apt.conf.d/90assume-yes"), "APT::Get::Assume-Yes \"true\";\n");
        before = files();
    }

    @AfterAll
    void deleteRoot() throws Exception {
        if (work != null) {
            Commands.run(List.of("rm", "-rf", work.toString()));
        }
    }

    @Test
    @Order(1)
    void theReadmesCommandsInstallIt() throws Exception {
        for (String command : ReadmeSection.installCommands()) {
            Commands.Result r = inRoot(command);
            assertEquals(0, r.code(), command + ":\n" + r.both());
            readme.put(command, r);
        }
        assertEquals("install ok installed", inRoot("dpkg-query -W -f='${Status}' apt-ostree").out());
        String version = readmeOutput("apt-ostree --version");
        assertTrue(version.startsWith("apt-ostree "), version);
    }

    @Test
    @Order(2)
    void filesAreInPlaceAndTheConfigurationIsAConffile() throws Exception {
        List<String> missing = DebianPackageTest.REQUIRED.keySet().stream()
                .filter(p -> !Files.exists(root.resolve(p.substring(1)), java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList();
        assertEquals(List.of(), missing);
        String conffiles = inRoot("dpkg-query -W -f='${Conffiles}' apt-ostree").out();
        assertTrue(conffiles.strip().startsWith("/etc/apt-ostree/apt-ostreed.conf "), conffiles);
    }

    @Test
    @Order(3)
    void systemdAcceptsTheUnitsAndTheTimerIsEnabled() throws Exception {
        List<String> units = DebianPackageTest.REQUIRED.keySet().stream().filter(p -> p.startsWith("/usr/lib/systemd/system/")).toList();
        // verify loads each unit with what it refers to: binaries, man pages of Documentation= (through man).
        Commands.Result r = inRoot("systemd-analyze verify " + String.join(" ", units));
        List<String> ours = r.both().lines().filter(l -> l.contains("apt-ostree")).toList();
        assertEquals(List.of(), ours, r.both());
        assertEquals(0, r.code(), r.both());
        for (String unit : List.of("apt-ostreed-automatic.timer", "apt-ostree-finalize-staged.path", "apt-ostree-bootstatus.service")) {
            assertEquals("enabled", inRoot("systemctl is-enabled " + unit).out().strip(), unit);
        }
        assertEquals("static", inRoot("systemctl is-enabled apt-ostreed.service").out().strip(), "started by D-Bus only");
    }

    @Test
    @Order(4)
    void manShowsEveryCommandAndThePagesAreIndexed() throws Exception {
        String page = readmeOutput("man apt-ostree");
        List<String> absent = new ArrayList<>();
        for (CommandLine command : Main.fullModel().getSubcommands().values()) {
            String name = command.getCommandSpec().name();
            String[] aliases = command.getCommandSpec().aliases();
            String title = "apt-ostree " + name + (aliases.length == 0 ? "" : " (also " + String.join(", ", aliases) + ")");
            if (!page.contains(title)) {
                absent.add(title);
            }
        }
        assertEquals(List.of(), absent, page);
        CommandLine admin = Main.fullModel().getSubcommands().get("ostree").getSubcommands().get("admin");
        for (CommandLine verb : admin.getSubcommands().values()) {
            String name = "apt-ostree ostree admin " + verb.getCommandSpec().name();
            assertTrue(page.contains(name), name);
        }
        String daemon = inRoot("man 8 apt-ostreed").out();
        assertTrue(daemon.contains("org.aptostree.dev"), daemon);
        String conf = inRoot("man 5 apt-ostreed.conf").out();
        assertTrue(conf.contains("AutomaticUpdatePolicy=") && conf.contains("IdleExitTimeout="), conf);
        // man-db's trigger indexed them: whatis finds each by name.
        Commands.Result whatis = inRoot("whatis apt-ostree apt-ostreed apt-ostreed.conf");
        assertEquals(0, whatis.code(), whatis.both());
        assertEquals(3, whatis.out().lines().count(), whatis.out());
    }

    @Test
    @Order(5)
    void bashCompletesVerbsAndNestedVerbs() throws Exception {
        assertEquals(List.of("status"), complete("apt-ostree sta"));
        assertTrue(complete("apt-ostree ostree admin de").contains("deploy"));
        assertTrue(complete("apt-ostree upgrade --ch").contains("--check"));
    }

    @Test
    @Order(6)
    void theCommandRunsOnTheSuitesJavaWithoutLibaptPkg() throws Exception {
        Commands.Result repo = inRoot("apt-ostree ostree --repo=/tmp/repo init --mode=archive && apt-ostree ostree --repo=/tmp/repo refs");
        assertEquals(0, repo.code(), repo.both());
        // Not an OSTree system: the design note's error, not a stack trace.
        Commands.Result status = inRoot("apt-ostree status");
        assertEquals(1, status.code(), status.both());
        assertTrue(status.err().contains("OSTree") && !status.err().contains("\tat "), status.both());
        // What the package needs, recursively, has no apt library in it.
        Commands.Result closure = inRoot("apt-cache depends --recurse --installed --no-recommends --no-suggests --no-conflicts"
                + " --no-breaks --no-replaces --no-enhances apt-ostree");
        assertEquals(0, closure.code(), closure.both());
        assertTrue(closure.out().contains("polkitd"), closure.out());
        assertTrue(!closure.out().contains("libapt-pkg"), closure.out());
    }

    @Test
    @Order(7)
    void theDaemonStartsAndItsManPageHasEveryOption() throws Exception {
        Commands.Result version = inRoot("/usr/libexec/apt-ostreed --version");
        assertEquals(0, version.code(), version.both());
        Commands.Result help = inRoot("/usr/libexec/apt-ostreed --help");
        assertEquals(0, help.code(), help.both());
        String page = inRoot("man 8 apt-ostreed").out();
        List<String> undocumented = Stream.of(help.out().split("[\\s\\[\\]|=]+")).filter(w -> w.startsWith("--"))
                .filter(o -> !page.contains(o)).toList();
        assertEquals(List.of(), undocumented, help.out());
    }

    @Test
    @Order(20)
    void removingKeepsTheConfigurationAndTheState() throws Exception {
        // What the engine leaves on a host: its state and its download cache.
        Files.createDirectories(root.resolve("var/lib/apt-ostree"));
        Files.writeString(root.resolve("var/lib/apt-ostree/transaction.lock"), "");
        Files.createDirectories(root.resolve("var/cache/apt-ostree/sha256"));
        Files.writeString(root.resolve("var/cache/apt-ostree/sha256/0000"), "cached\n");
        Commands.Result r = inRoot("apt-get remove apt-ostree");
        assertEquals(0, r.code(), r.both());
        Set<String> kept = new TreeSet<>(Set.of("etc/apt-ostree", "etc/apt-ostree/apt-ostreed.conf", "var/cache/apt-ostree",
                "var/cache/apt-ostree/sha256", "var/cache/apt-ostree/sha256/0000", "var/lib/apt-ostree", "var/lib/apt-ostree/transaction.lock",
                "var/lib/systemd/deb-systemd-helper-masked"));
        // deb-systemd-helper, as for every Debian package, keeps the units' enablement for a reinstallation and masks
        // them while their files are gone; purging forgets both.
        for (String unit : List.of("multi-user.target.wants/apt-ostree-bootstatus.service", "multi-user.target.wants/apt-ostree-finalize-staged.path",
                "timers.target.wants/apt-ostreed-automatic.timer")) {
            String name = unit.substring(unit.indexOf('/') + 1);
            kept.addAll(List.of("etc/systemd/system/" + unit, "etc/systemd/system/" + name, "var/lib/systemd/deb-systemd-helper-enabled/" + unit,
                    "var/lib/systemd/deb-systemd-helper-enabled/" + name + ".dsh-also", "var/lib/systemd/deb-systemd-helper-masked/" + name));
            assertEquals(Path.of("/dev/null"), Files.readSymbolicLink(root.resolve("etc/systemd/system/" + name)), name + " is masked");
        }
        assertEquals(kept, added());
    }

    @Test
    @Order(21)
    void purgingLeavesOnlyTheState() throws Exception {
        Commands.Result r = inRoot("apt-get purge apt-ostree");
        assertEquals(0, r.code(), r.both());
        assertEquals(Set.of("var/lib/apt-ostree", "var/lib/apt-ostree/transaction.lock"), added());
        assertEquals(Set.of(), removed());
    }

    private String readmeOutput(String command) {
        Commands.Result r = readme.get(command);
        if (r == null) {
            throw new AssertionError("the README's install commands no longer include '" + command + "': " + readme.keySet());
        }
        return r.out();
    }

    /** The words bash completes {@code line} with, by picocli's completion function as installed. */
    private List<String> complete(String line) throws Exception {
        String[] words = line.split(" ");
        String script = "source /usr/share/bash-completion/completions/apt-ostree; COMP_LINE='" + line + "'; COMP_POINT=" + line.length()
                + "; COMP_WORDS=(" + line + "); COMP_CWORD=" + (words.length - 1) + "; _complete_apt-ostree apt-ostree '"
                + words[words.length - 1] + "' '" + words[words.length - 2] + "'; printf '%s\\n' \"${COMPREPLY[@]}\"";
        Commands.Result r = inRoot("bash -c " + shellQuote(script));
        assertEquals(0, r.code(), r.both());
        return r.out().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * Runs {@code script} with sh in the root: its own /proc, /dev and /tmp, no network (nothing may be downloaded:
     * the root has what the package depends on), the built package at {@value #CHECKOUT}/packaging/target.
     */
    private Commands.Result inRoot(String script) throws IOException, InterruptedException {
        Path deb = BuiltPackage.deb();
        return Commands.exec(List.of("bwrap", "--bind", root.toString(), "/", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
                "--tmpfs", "/run", "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent",
                "--ro-bind", deb.toString(), CHECKOUT + "/packaging/target/" + deb.getFileName(), "--chdir", CHECKOUT,
                "--clearenv", "--setenv", "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "--setenv", "HOME", "/root",
                "--setenv", "LANG", "C.UTF-8", "--setenv", "MANWIDTH", "120", "--setenv", "DEBIAN_FRONTEND", "noninteractive",
                "/bin/sh", "-c", script), Map.of());
    }

    /** The root's paths, relative, but dpkg's and apt's records and logs. */
    private Set<String> files() throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString())
                    .filter(p -> BOOKKEEPING.stream().noneMatch(b -> (p + "/").startsWith(b)))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private Set<String> added() throws IOException {
        Set<String> now = files();
        now.removeAll(before);
        return now;
    }

    private Set<String> removed() throws IOException {
        Set<String> gone = new TreeSet<>(before);
        gone.removeAll(files());
        return gone;
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
