package org.aptostree.cli.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.aptostree.cli.system.HostFixture.Result;
import org.aptostree.fixtures.deb.DebBuilder;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.sysroot.Sysroot;
import org.aptostree.testkit.DebianData;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * rpm-ostree's layering behaviour, as its own tests check it ({@code tests/vmcheck/test-layering-*.sh},
 * {@code test-override-*.sh}, {@code test-reset.sh}, {@code test-misc-2.sh}, {@code test-db.sh}), translated to
 * Debian and run on a directory sysroot deployed from a real minbase, with packages from a signed APT repository
 * served by nginx; each change is checked with the real {@code ostree admin status}, {@code ostree fsck} and
 * {@code dpkg} on the result. The tests build on each other, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LayeringTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HostFixture host;
    private String firstBase;

    /** Per test, not per class, so that a missing requirement is reported by every test (see Requirements). */
    @BeforeEach
    void setUp() throws Exception {
        Requirements.root(); // deployments and the overlay
        Path mirror = DebianData.mirror();
        if (host != null) {
            return;
        }
        Path work = Files.createTempDirectory(Path.of("/var/tmp"), "layering-test");
        host = HostFixture.create(work, mirror, DebianData.keyring());
        firstBase = Sysroot.load(host.sysroot).deployments().get(0).commit().hex();
    }

    @AfterAll
    void tearDown() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    private JsonNode status() throws Exception {
        Result r = host.verb("status", "--json");
        assertEquals(0, r.code(), r.err());
        return JSON.readTree(r.out());
    }

    private JsonNode defaultDeployment() throws Exception {
        return status().get("deployments").get(0);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The real ostree reads the sysroot and finds the repository sound. */
    private void realOstreeAgrees() throws Exception {
        String status = HostFixture.run(List.of("ostree", "admin", "status", "--sysroot=" + host.sysroot));
        assertTrue(status.contains("debian "), status);
        String fsck = HostFixture.run(List.of("ostree", "--repo=" + host.sysroot.resolve("ostree/repo"), "fsck"));
        assertTrue(fsck.contains("no errors"), fsck);
        noScratchLeft();
    }

    private void noScratchLeft() throws Exception {
        Path scratch = host.sysroot.resolve("ostree/repo/tmp/apt-ostree");
        assertFalse(Files.isDirectory(scratch) && Files.list(scratch).findAny().isPresent(), "scratch left behind");
    }

    private String dpkg(String... args) throws Exception {
        Path d = host.deployment();
        List<String> cmd = new ArrayList<>(List.of("dpkg", "--root=" + d, "--admindir=" + d.resolve("usr/lib/sysimage/dpkg")));
        cmd.addAll(List.of(args));
        return HostFixture.run(cmd);
    }

    private static Result ok(Result r) {
        assertEquals(0, r.code(), r.err() + r.out());
        return r;
    }

    /** Refused with {@code message}, and the base's staging checkout, started before the refusal, is gone. */
    private void assertRefused(Result r, String message) throws Exception {
        assertNotEquals(0, r.code(), r.out());
        assertTrue(r.err().contains(message), "expected '" + message + "' in: " + r.err());
        noScratchLeft();
    }

    @Test
    @Order(1)
    void installLayersAPackageAndItsDependencyOnTheBase() throws Exception {
        Result r = host.verb("install", "hello-layer");
        assertEquals(0, r.code(), r.err() + r.out());
        JsonNode d = defaultDeployment();
        assertEquals(List.of("hello-layer"), strings(d.get("requested-packages")));
        assertEquals(List.of("hello-layer"), strings(d.get("packages")));
        assertEquals(firstBase, d.get("base-checksum").asText());

        Path deployment = host.deployment();
        String origin = Files.readString(deployment.resolveSibling(deployment.getFileName() + ".origin"));
        assertTrue(origin.contains("baserefspec=" + HostFixture.REFSPEC) && origin.contains("requested=hello-layer;"), origin);

        Repository repo = Repository.open(host.sysroot.resolve("ostree/repo"));
        Commit layered = repo.readCommit(org.aptostree.ostree.object.ObjectId.fromHex(d.get("checksum").asText()));
        assertEquals(firstBase, layered.parent().orElseThrow().hex());
        assertEquals(Boolean.TRUE, layered.metadata().get("aptostree.clientlayer").orElseThrow().value());
        assertEquals(firstBase, layered.metadata().getString("aptostree.base").orElseThrow());
        String packages = layered.metadata().get("aptostree.packages").orElseThrow().toString();
        assertTrue(packages.contains("'hello-layer', '1.0-1', 'amd64'") && packages.contains("'libhello-layer'"), packages);

        assertTrue(dpkg("-l", "hello-layer", "libhello-layer").lines().filter(l -> l.startsWith("ii ")).count() == 2);
        assertEquals("", dpkg("--verify", "hello-layer", "libhello-layer"));
        assertEquals("greeting=hello\n", Files.readString(deployment.resolve("etc/hello-layer.conf")));
        assertEquals("greeting=hello\n", Files.readString(deployment.resolve("usr/etc/hello-layer.conf")));
        String tmpfiles = Files.readString(deployment.resolve("usr/lib/tmpfiles.d/aptostree-autovar.conf"));
        assertTrue(tmpfiles.contains("/var/lib/hello-layer/state"), "the postinst's /var file is described for boot");
        assertTrue(tmpfiles.contains("L /var/lib/dpkg - - - - ../../usr/lib/sysimage/dpkg"), "the base's /var entries are kept");
        assertEquals("""
                /var/lib/dpkg/tmp.ci/preinst install hello-layer
                -rw-r--r-- conffiles
                -rw-r--r-- control
                -rw-r--r-- md5sums
                -rwxr-xr-x postinst
                -rwxr-xr-x preinst
                Package: hello-layer
                """, Files.readString(deployment.resolve("usr/share/factory/var/lib/hello-layer/preinst.seen")),
                "the preinst ran from tmp.ci with the package's control files, as dpkg runs it");
        realOstreeAgrees();
    }

    @Test
    @Order(2)
    void aSecondInstallOfTheSamePackageIsAlreadyRequested() throws Exception {
        String before = defaultDeployment().get("id").asText();
        assertRefused(host.verb("install", "hello-layer"), "already requested");
        ok(host.verb("install", "--idempotent", "hello-layer"));
        assertEquals(77, host.verb("install", "--idempotent", "--unchanged-exit-77", "hello-layer").code());
        assertEquals(before, defaultDeployment().get("id").asText());
    }

    @Test
    @Order(3)
    void everyMissingPackageIsListedAndNothingChanges() throws Exception {
        String before = defaultDeployment().get("id").asText();
        assertRefused(host.verb("install", "no-such-one", "no-such-two"), "Packages not found: no-such-one, no-such-two");
        assertEquals(before, defaultDeployment().get("id").asText());
    }

    @Test
    @Order(4)
    void aPackageOfTheBaseNeedsAllowInactive() throws Exception {
        assertRefused(host.verb("install", "dpkg"), "Use --allow-inactive to explicitly require it.");
        Result r = host.verb("install", "--allow-inactive", "dpkg");
        assertEquals(0, r.code(), r.err());
        assertTrue(host.verb("status").out().contains("InactiveRequests: dpkg"));
        ok(host.verb("uninstall", "dpkg"));
    }

    @Test
    @Order(5)
    void aConflictWithTheBaseIsExplained() throws Exception {
        String before = defaultDeployment().get("id").asText();
        assertRefused(host.verb("install", "conflicting"), "conflicting requests");
        assertEquals(before, defaultDeployment().get("id").asText());
    }

    @Test
    @Order(6)
    void aFileOfTheBaseIsNotOverwrittenUnlessForced() throws Exception {
        String before = defaultDeployment().get("id").asText();
        assertRefused(host.verb("install", "clash"), "File exists");
        assertEquals(before, defaultDeployment().get("id").asText());
        ok(host.verb("install", "--force-replacefiles", "clash"));
        assertEquals("clashing licence\n", Files.readString(host.deployment().resolve("usr/share/common-licenses/GPL-3")));
        ok(host.verb("uninstall", "clash"));
    }

    @Test
    @Order(7)
    void aFailingPostinstIsReportedWithItsOutputAndChangesNothing() throws Exception {
        String before = defaultDeployment().get("id").asText();
        Result r = host.verb("install", "badpost");
        assertRefused(r, "badpost: failing on purpose");
        assertEquals(before, defaultDeployment().get("id").asText());
        realOstreeAgrees();
    }

    @Test
    @Order(8)
    void aScriptAppendingToABaseFileLeavesTheSharedObjectAlone() throws Exception {
        List<String> cat = List.of("ostree", "--repo=" + host.sysroot.resolve("ostree/repo"), "cat", firstBase, "/usr/share/base-files/motd");
        String motd = HostFixture.run(cat);
        ok(host.verb("install", "appender"));
        assertEquals(motd + "appended-by-a-script\n", Files.readString(host.deployment().resolve("usr/share/base-files/motd")));
        assertEquals(motd, HostFixture.run(cat), "the base commit's file is unchanged");
        realOstreeAgrees();
        ok(host.verb("uninstall", "appender"));
        assertEquals(motd, Files.readString(host.deployment().resolve("usr/share/base-files/motd")));
    }

    @Test
    @Order(9)
    void aFileTriggerOfABasePackageRunsWhenALayeredPackageBringsAFile() throws Exception {
        assertFalse(Files.exists(host.deployment().resolve("usr/share/trig-interest.seen")));
        ok(host.verb("install", "trig-activator"));
        assertEquals("activator\n", Files.readString(host.deployment().resolve("usr/share/trig-interest.seen")));
        assertTrue(dpkg("-l", "trig-interest").lines().anyMatch(l -> l.startsWith("ii ")), "the trigger was processed");
        ok(host.verb("uninstall", "trig-activator"));
    }

    @Test
    @Order(10)
    void aDryRunListsTheResolvedPackagesAndDeploysNothing() throws Exception {
        String before = defaultDeployment().get("id").asText();
        Result r = host.verb("install", "--dry-run", "needs-api");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("needs-api 1.0-1 amd64"), r.out());
        assertEquals(before, defaultDeployment().get("id").asText());
    }

    @Test
    @Order(11)
    void uninstallDropsARequestOnlyOnce() throws Exception {
        ok(host.verb("install", "needs-api"));
        ok(host.verb("uninstall", "needs-api"));
        assertRefused(host.verb("uninstall", "needs-api"), "is not currently requested");
        ok(host.verb("uninstall", "--idempotent", "needs-api"));
        assertEquals(77, host.verb("uninstall", "--idempotent", "--unchanged-exit-77", "needs-api").code());
    }

    @Test
    @Order(12)
    void overrideRemoveTakesABasePackageOutUntilReset() throws Exception {
        assertRefused(host.verb("override", "remove", "no-such-package"), "Packages not found: no-such-package");
        assertRefused(host.verb("override", "remove", "hello-layer"), "layered package");
        ok(host.verb("override", "remove", "apt"));
        JsonNode d = defaultDeployment();
        assertEquals(List.of("apt"), strings(d.get("requested-base-removals")));
        assertEquals(1, d.get("base-removals").size());
        assertFalse(Files.exists(host.deployment().resolve("usr/bin/apt")));
        assertTrue(host.verb("status").out().contains("RemovedBasePackages: apt "));
        ok(host.verb("override", "reset", "apt"));
        assertTrue(Files.exists(host.deployment().resolve("usr/bin/apt")));
        assertEquals(0, host.verb("override", "reset", "--all").code(), "nothing to reset is not an error");
        ok(host.verb("install", "needs-trig"));
        assertRefused(host.verb("override", "remove", "trig-interest"), "conflicting requests");
        ok(host.verb("uninstall", "needs-trig"));
        realOstreeAgrees();
    }

    @Test
    @Order(13)
    void overrideReplaceSwapsABasePackageForALocalDeb() throws Exception {
        Path deb = host.work.resolve("apt_99.0_amd64.deb");
        Files.write(deb, new DebBuilder("apt", "99.0", "amd64").file("usr/share/apt-replacement/readme", "replaced\n").build());
        Result r = host.verb("override", "replace", deb.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(host.verb("status").out().matches("(?s).*ReplacedBasePackages: apt \\S+ -> 99\\.0.*"), host.verb("status").out());
        assertTrue(Files.exists(host.deployment().resolve("usr/share/apt-replacement/readme")));
        ok(host.verb("override", "reset", "apt"));
    }

    @Test
    @Order(13)
    void aLocalDebIsLayeredAndKeptForLaterTransactions() throws Exception {
        Path deb = host.work.resolve("local-tool_2.0_amd64.deb");
        Files.write(deb, new DebBuilder("local-tool", "2.0", "amd64").file("usr/bin/local-tool", "#!/bin/sh\necho local\n".getBytes(
                StandardCharsets.UTF_8), 0755).build());
        ok(host.verb("install", deb.toString()));
        JsonNode d = defaultDeployment();
        assertEquals(List.of("local-tool_2.0_amd64"), strings(d.get("requested-local-packages")));
        assertTrue(host.verb("status").out().contains("LocalPackages: local-tool_2.0_amd64"));
        Files.delete(deb);
        ok(host.verb("install", "needs-api"));
        assertTrue(Files.exists(host.deployment().resolve("usr/bin/local-tool")), "applied again from the kept copy");
        ok(host.verb("uninstall", "local-tool", "needs-api"));
        assertFalse(Files.exists(host.deployment().resolve("usr/bin/local-tool")));
    }

    @Test
    @Order(13)
    void aBrokenSourcesFileIsNamedWithItsLineAndAnUnreachableSourceChangesNothing() throws Exception {
        String before = defaultDeployment().get("id").asText();
        Path broken = host.deployment().resolve("etc/apt/sources.list.d/broken.list");
        Files.writeString(broken, "deb http://127.0.0.1:9/debian\n");
        assertRefused(host.verb("install", "needs-api"), broken.getFileName().toString());
        Files.delete(broken);
        Path dead = host.deployment().resolve("etc/apt/sources.list.d/dead.sources");
        Files.writeString(dead, "Types: deb\nURIs: http://127.0.0.1:9/debian\nSuites: stable\nComponents: main\n"
                + "Signed-By: /etc/apt/keyrings/apt-test.gpg\n");
        Result r = host.verb("install", "needs-api");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("127.0.0.1:9"), r.err());
        Files.delete(dead);
        assertEquals(before, defaultDeployment().get("id").asText());
    }

    @Test
    @Order(14)
    void upgradeReappliesTheLayersOnTheNewBase() throws Exception {
        String second = host.served.second;
        host.served.point(HostFixture.REF, second);
        ok(host.verb("override", "remove", "apt"));
        // The automatic update timer's command, under each policy of apt-ostreed.conf.
        String before = defaultDeployment().get("id").asText();
        Result none = host.verb("upgrade", "--trigger-automatic-update-policy");
        assertEquals(0, none.code(), none.err());
        assertTrue(none.out().contains("Automatic updates are not enabled"), none.out());
        assertTrue(host.verb("status").out().contains("AutomaticUpdates: disabled\n"));
        Path conf = Files.createDirectories(host.sysroot.resolve("etc/apt-ostree")).resolve("apt-ostreed.conf");
        Files.writeString(conf, "[Daemon]\nAutomaticUpdatePolicy=check\n");
        assertTrue(host.verb("status").out().contains("AutomaticUpdates: check; apt-ostreed-automatic.timer: no runs yet\n"));
        Result check = host.verb("upgrade", "--trigger-automatic-update-policy");
        assertEquals(0, check.code(), check.err());
        assertEquals(before, defaultDeployment().get("id").asText(), "check deploys nothing");
        // The run is recorded: status shows it and the update it found, as rpm-ostree shows its cached update.
        String text = host.verb("status").out();
        assertTrue(text.matches("(?s).*AutomaticUpdates: check; apt-ostreed-automatic\\.timer: last run \\S+Z: update available, " + second
                + "\n.*AvailableUpdate:\n.*Commit: " + second + "\n.*"), text);
        JsonNode json = status();
        assertEquals(second, json.path("cached-update").path("checksum").asText(), json.toString());
        assertTrue(json.path("automatic-update-last-run").path("success").asBoolean(), json.toString());
        Files.writeString(conf, "[Daemon]\nAutomaticUpdatePolicy=stage\n");
        Result r = host.verb("upgrade", "--trigger-automatic-update-policy");
        assertEquals(0, r.code(), r.err());
        text = host.verb("status").out();
        assertTrue(text.matches("(?s).*AutomaticUpdates: stage; apt-ostreed-automatic\\.timer: last run \\S+Z: deployed [0-9a-f]{64}\n.*"), text);
        assertFalse(text.contains("AvailableUpdate:"), "the update found is deployed now:\n" + text);
        Files.writeString(conf, "[Daemon]\nAutomaticUpdatePolicy=sometimes\n");
        Result bad = host.verb("upgrade", "--trigger-automatic-update-policy");
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains(conf + ": [Daemon] AutomaticUpdatePolicy: expected none, check or stage, not 'sometimes'"), bad.err());
        assertTrue(host.verb("status").out().contains("AutomaticUpdates: disabled (" + conf + ": [Daemon] AutomaticUpdatePolicy"),
                "status names the broken file, and the daemon's fallback");
        Files.delete(conf);
        JsonNode d = defaultDeployment();
        assertEquals(List.of("apt"), strings(d.get("requested-base-removals")), "removals survive an upgrade");
        assertEquals(1, d.get("base-removals").size());
        ok(host.verb("override", "reset", "apt"));
        d = defaultDeployment();
        assertEquals(second, d.get("base-checksum").asText());
        assertTrue(strings(d.get("packages")).contains("hello-layer"));
        assertTrue(Files.exists(host.deployment().resolve("usr/share/base-extra/readme")));
        assertTrue(Files.exists(host.deployment().resolve("usr/bin/hello-layer")));
        Result again = host.verb("upgrade", "--unchanged-exit-77");
        assertEquals(77, again.code(), again.err());
        assertTrue(again.out().contains("No upgrade available."), again.out());
        realOstreeAgrees();
    }

    @Test
    @Order(15)
    void anOlderBaseIsRefusedUnlessDowngradesAreAllowed() throws Exception {
        host.served.point(HostFixture.REF, firstBase);
        assertRefused(host.verb("upgrade"), "chronologically older");
        ok(host.verb("upgrade", "--allow-downgrade"));
        assertEquals(firstBase, defaultDeployment().get("base-checksum").asText());
    }

    @Test
    @Order(16)
    void rebaseAndDeployKeepTheLayers() throws Exception {
        host.served.point("debian/test/other", firstBase);
        ok(host.verb("rebase", "origin:debian/test/other"));
        JsonNode d = defaultDeployment();
        assertEquals("origin:debian/test/other", d.get("origin").asText());
        assertTrue(strings(d.get("packages")).contains("hello-layer"));
        assertEquals(0, host.verb("rebase", HostFixture.REF).code(), "a bare ref keeps the remote");
        assertEquals(HostFixture.REFSPEC, defaultDeployment().get("origin").asText());
        ok(host.verb("deploy", firstBase));
        assertEquals(firstBase, defaultDeployment().get("base-checksum").asText());
    }

    @Test
    @Order(17)
    void dbDiffShowsTheLayeredPackages() throws Exception {
        Result diff = host.verb("db", "diff", firstBase, defaultDeployment().get("checksum").asText(), "--format=diff");
        assertEquals(0, diff.code(), diff.err());
        assertTrue(diff.out().lines().anyMatch(l -> l.startsWith("+hello-layer-1.0-1")), diff.out());
        Result json = host.verb("db", "diff", firstBase, defaultDeployment().get("checksum").asText(), "--format=json");
        JsonNode pkgdiff = JSON.readTree(json.out()).get("pkgdiff");
        assertTrue(pkgdiff.size() >= 2 && pkgdiff.get(0).get(1).asInt() == 0, json.out());
        Result list = host.verb("db", "list", "hello*");
        assertTrue(list.out().contains("hello-layer 1.0-1 amd64"), list.out());
    }

    @Test
    @Order(18)
    void searchAndInfoReadTheDeploymentsSources() throws Exception {
        Result search = host.verb("search", "layer");
        assertEquals(0, search.code(), search.err());
        assertTrue(search.out().contains("hello-layer - synthetic test package hello-layer"), search.out());
        Result info = host.verb("info", "needs-api");
        assertTrue(info.out().contains("Package: needs-api") && info.out().contains("Installed: no"), info.out());
        ok(host.verb("refresh-md"));
    }

    @Test
    @Order(19)
    void kernelArgumentsMakeANewDeployment() throws Exception {
        Result r = host.verb("kargs", "--append=apt-ostree.test=1");
        assertEquals(0, r.code(), r.err());
        assertTrue(host.verb("kargs").out().contains("apt-ostree.test=1"));
        assertEquals(77, host.verb("kargs", "--append-if-missing=apt-ostree.test=1", "--unchanged-exit-77").code());
        realOstreeAgrees();
    }

    @Test
    @Order(20)
    void rollbackSwapsTheFirstTwoDeploymentsAndCleanupRemovesThem() throws Exception {
        JsonNode before = status().get("deployments");
        ok(host.verb("rollback"));
        JsonNode after = status().get("deployments");
        assertEquals(before.get(0).get("id"), after.get(1).get("id"));
        assertEquals(before.get(1).get("id"), after.get(0).get("id"));

        HostFixture.cli("ostree", "admin", "deploy", "--stage", "--sysroot=" + host.sysroot, "--os=debian", firstBase);
        assertRefused(host.verb("rollback"), "Staged deployment exists; remove it with 'apt-ostree cleanup -p'");
        ok(host.verb("cleanup", "-p"));
        int count = status().get("deployments").size();
        ok(host.verb("cleanup", "-b"));
        assertEquals(count, status().get("deployments").size());
        ok(host.verb("cleanup", "-r"));
        assertEquals(1, status().get("deployments").size());
        realOstreeAgrees();
    }

    @Test
    @Order(21)
    void resetDropsEveryMutation() throws Exception {
        ok(host.verb("reset"));
        JsonNode d = defaultDeployment();
        assertEquals(0, d.get("requested-packages").size());
        assertFalse(d.has("base-checksum"));
        assertEquals(77, host.verb("uninstall", "--all", "--unchanged-exit-77").code());
    }

    @Test
    @Order(22)
    void aTransactionInProgressIsNamedAndTheSecondFailsAtOnce() throws Exception {
        Path lock = host.sysroot.resolve("ostree/deploy/debian/var/lib/apt-ostree/transaction.lock");
        var attempt = org.aptostree.daemon.system.TransactionLock.tryAcquire(lock, "install something-slow");
        try (var held = attempt.lock().orElseThrow()) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), "org.aptostree.cli.Main", "install", "hello-layer", "--sysroot=" + host.sysroot));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(1, p.waitFor(), out);
            assertTrue(out.contains("Transaction in progress: install something-slow (pid " + ProcessHandle.current().pid() + ")"), out);
            assertEquals(0, host.verb("status").code(), "read-only verbs never wait");
            assertTrue(host.verb("status").out().startsWith("State: busy\nTransaction: install something-slow"));
        }
    }
}
