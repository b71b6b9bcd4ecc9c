package org.aptostree.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.aptostree.fixtures.http.Nginx;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.sysroot.Deployment;
import org.aptostree.ostree.sysroot.Sysroot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The life of a host that runs apt-ostree, with systemd as PID 1 (issue 15's booted test): an image composed with
 * this build's package, deployed by our {@code ostree admin deploy}, booted under systemd-nspawn; a package layered
 * from a signed repository that nginx serves on the host's loopback, staged, finalized at shutdown; the new deployment
 * booted; a rollback and a boot again; the automatic update timer staging a newer base. The steps share the
 * sysroot and run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BootedHostTest {
    private static final String OS = "debian";

    private Path work;
    private Path sysroot;
    private HostImage image;
    private Nginx nginx;
    private BootedMachine machine;
    private String first;

    @BeforeAll
    void composeAndServe() throws Exception {
        Commands.require(List.of("systemd-nspawn", "nsenter", "bwrap", "nginx", "chattr"), true);
        Path dir = BuiltPackage.buildDirectory().resolve("host-image");
        image = HostImage.get(dir, BuiltPackage.deb());
        work = BuiltPackage.buildDirectory().resolve("booted-host");
        Commands.run(List.of("sh", "-c", "chattr -R -f -i " + work + " 2>/dev/null; rm -rf " + work));
        Files.createDirectories(work);
        sysroot = work.resolve("sysroot");
        nginx = Nginx.serve(image.aptRepository.getParent(), work.resolve("nginx"));
    }

    @AfterAll
    void stop() throws Exception {
        if (machine != null) {
            machine.close();
        }
        if (nginx != null) {
            nginx.close();
        }
        if (work != null) {
            Commands.run(List.of("sh", "-c", "chattr -R -f -i " + work + " 2>/dev/null; rm -rf " + work));
        }
    }

    @Test
    @Order(1)
    void theImageIsDeployedWithOurOstreeAdminDeploy() throws Exception {
        HostImage.cli("ostree", "admin", "init-fs", "--modern", sysroot.toString());
        HostImage.cli("ostree", "admin", "os-init", "--sysroot=" + sysroot, OS);
        HostImage.cli("ostree", "--repo=" + sysroot.resolve("ostree/repo"), "pull-local", image.repo.toString(), HostImage.REF);
        HostImage.cli("ostree", "admin", "deploy", "--sysroot=" + sysroot, "--os=" + OS, HostImage.REF);
        first = deployments().get(0).dirName();
        assertTrue(Files.isExecutable(deployment(0).resolve("usr/bin/apt-ostree")));
    }

    @Test
    @Order(2)
    void itBootsWithSystemdAndTheUnitsOfThePackageRun() throws Exception {
        machine = BootedMachine.boot(sysroot, OS, deployment(0), work, "aptostree-host");
        // apt-ostree-bootstatus.service logged the booted deployment at boot.
        Commands.Result journal = machine.root("journalctl -b -u apt-ostree-bootstatus.service --no-pager -o cat");
        assertTrue(journal.out().contains("\u25cf ") && journal.out().contains(HostImage.REF), journal.both());
        assertEquals("active", machine.root("systemctl is-active apt-ostreed-automatic.timer").out().strip());
        assertEquals("active", machine.root("systemctl is-active apt-ostree-finalize-staged.path").out().strip());
        // The admin's edits of this boot, which the later deployments carry: a user, an administrator whom the
        // README's polkit rule allows (group sudo), the APT source of the layered package.
        Commands.Result edits = machine.root("useradd -m alice && useradd -m -G sudo admin && echo edited-in-first-boot > /etc/apt-ostree-test-edit"
                + " && mkdir -p /etc/apt/keyrings /etc/polkit-1/rules.d");
        assertEquals(0, edits.code(), edits.both());
        Files.writeString(deployment(0).resolve("etc/polkit-1/rules.d/50-apt-ostree.rules"), ReadmeSection.polkitRule());
        Files.copy(image.aptKeyring, deployment(0).resolve("etc/apt/keyrings/apt-test.gpg"));
        Files.writeString(deployment(0).resolve("etc/apt/sources.list.d/apt-test.sources"), "Types: deb\nURIs: " + nginx.url("apt")
                + "\nSuites: " + HostImage.SUITE + "\nComponents: main\nSigned-By: /etc/apt/keyrings/apt-test.gpg\n");
    }

    @Test
    @Order(3)
    void statusAsAUserStartsTheDaemonByDbusActivation() throws Exception {
        // apt-ostree-bootstatus.service's status started it at boot; stopped, the next call starts it again.
        machine.root("systemctl stop apt-ostreed.service");
        assertEquals("inactive", machine.root("systemctl is-active apt-ostreed.service").out().strip());
        Commands.Result status = machine.as("alice", "apt-ostree status");
        assertEquals(0, status.code(), status.both());
        assertTrue(status.out().contains("\u25cf " + OS + ":" + HostImage.REF), "the booted deployment is marked:\n" + status.both());
        assertEquals("active", machine.root("systemctl is-active apt-ostreed.service").out().strip());
    }

    @Test
    @Order(4)
    void polkitDeniesTheUserAndAllowsTheAdminWhoStagesHello() throws Exception {
        Commands.Result denied = machine.as("alice", "apt-ostree install hello");
        assertNotEquals(0, denied.code(), denied.both());
        assertTrue(denied.err().contains("not allowed for user alice") || denied.err().contains("Not authorized"), denied.both());
        Commands.Result install = machine.as("admin", "apt-ostree install hello");
        assertEquals(0, install.code(), install.both());
        long states = install.err().lines().filter(l -> l.matches("(preparing|resolving|downloading|unpacking|scripts|committing|deploying): .*")).count();
        assertTrue(states >= 3, "progress, a line per state:\n" + install.err());
        Commands.Result status = machine.as("alice", "apt-ostree status");
        assertTrue(status.out().contains("(staged)") && status.out().contains("hello"), status.both());
        assertEquals(0, machine.root("test -e /run/ostree/staged-deployment").code());
        assertEquals("active", machine.root("systemctl is-active apt-ostree-finalize-staged.service").out().strip(),
                "the path unit started the finalizer, which works when it is stopped");
    }

    @Test
    @Order(5)
    void shuttingDownFinalizesTheStagedDeployment() throws Exception {
        machine.powerOff();
        String console = machine.console();
        machine = null;
        List<Deployment> ds = deployments();
        assertEquals(2, ds.size(), console);
        assertNotEquals(first, ds.get(0).dirName(), "the new deployment is the default");
        assertTrue(Files.isExecutable(deployment(0).resolve("usr/bin/hello")), console);
    }

    @Test
    @Order(6)
    void theNewDeploymentBootsWithHelloLayered() throws Exception {
        machine = BootedMachine.boot(sysroot, OS, deployment(0), work, "aptostree-host");
        Commands.Result dpkg = machine.as("alice", "dpkg -l hello");
        assertEquals(0, dpkg.code(), dpkg.both());
        assertTrue(dpkg.out().lines().anyMatch(l -> l.startsWith("ii  hello")), dpkg.out());
        assertEquals("Hello, world!", machine.as("alice", "hello").out().strip());
        Commands.Result status = machine.as("alice", "apt-ostree status");
        assertTrue(status.out().contains("LayeredPackages: hello"), status.both());
        assertEquals("edited-in-first-boot", machine.root("cat /etc/apt-ostree-test-edit").out().strip());
    }

    @Test
    @Order(7)
    void aRollbackBootsTheFirstDeploymentAgainWithoutHelloAndWithTheEdits() throws Exception {
        Commands.Result rollback = machine.as("admin", "apt-ostree rollback");
        assertEquals(0, rollback.code(), rollback.both());
        machine.powerOff();
        machine = null;
        assertEquals(first, deployments().get(0).dirName());
        machine = BootedMachine.boot(sysroot, OS, deployment(0), work, "aptostree-host");
        assertNotEquals(0, machine.root("dpkg -s hello").code(), "hello is gone");
        assertEquals("edited-in-first-boot", machine.root("cat /etc/apt-ostree-test-edit").out().strip());
        assertEquals(0, machine.root("id alice && id admin").code());
        machine.powerOff();
        machine = null;
    }

    @Test
    @Order(8)
    void underThePolicyStageTheTimerStagesANewerBase() throws Exception {
        // A newer base on the deployment's ref, as a local compose into the host's repository makes one: the image
        // with one file more.
        Path repo = sysroot.resolve("ostree/repo");
        Path tree = work.resolve("newer-base");
        HostImage.cli("ostree", "checkout", "--repo=" + repo, HostImage.REF, tree.toString());
        Files.writeString(Files.createDirectories(tree.resolve("usr/share/apt-ostree-test")).resolve("newer-base"), "newer\n");
        HostImage.cli("ostree", "commit", "--repo=" + repo, "--branch=" + HostImage.REF, "--bootable", "--subject=newer base",
                "--tree=dir=" + tree);
        Commands.run(List.of("rm", "-rf", tree.toString()));
        ObjectId newer = Repository.open(repo).refs().resolve(HostImage.REF).orElseThrow();
        Files.writeString(deployment(0).resolve("etc/apt-ostree/apt-ostreed.conf"), "[Daemon]\nAutomaticUpdatePolicy=stage\n");
        machine = BootedMachine.boot(sysroot, OS, deployment(0), work, "aptostree-host");
        assertTrue(machine.as("alice", "apt-ostree status").out().contains("AutomaticUpdates: stage; apt-ostreed-automatic.timer: no runs yet"));
        // The timer fires as on a host, only sooner: a drop-in makes it elapse a second after it is started again.
        Commands.Result fire = machine.root("mkdir -p /run/systemd/system/apt-ostreed-automatic.timer.d"
                + " && printf '[Timer]\\nOnActiveSec=1s\\n' > /run/systemd/system/apt-ostreed-automatic.timer.d/soon.conf"
                + " && systemctl daemon-reload && systemctl restart apt-ostreed-automatic.timer");
        assertEquals(0, fire.code(), fire.both());
        Commands.Result ran = machine.root("for i in $(seq 1 600); do"
                + " t=$(systemctl show -P ExecMainExitTimestampMonotonic apt-ostreed-automatic.service);"
                + " [ -n \"$t\" ] && [ \"$t\" != 0 ] && exit 0; sleep 0.5; done; exit 1");
        String journal = machine.root("journalctl -b -u apt-ostreed-automatic.service --no-pager -o cat").out();
        assertEquals(0, ran.code(), "the timer started apt-ostreed-automatic.service, which ended:\n" + journal);
        assertEquals("success", machine.root("systemctl show -P Result apt-ostreed-automatic.service").out().strip(), journal);
        Commands.Result status = machine.as("alice", "apt-ostree status");
        assertTrue(status.out().matches("(?s).*AutomaticUpdates: stage; apt-ostreed-automatic\\.timer: last run \\S+Z: staged " + newer.hex()
                + "\n.*"), status.both());
        assertTrue(status.out().contains("(staged)"), status.both());
        assertEquals(0, machine.root("test -e /run/ostree/staged-deployment").code(), "staged, in the machine's /run");
        machine.powerOff();
        machine = null;
        assertEquals(newer, deployments().get(0).commit(), "the staged deployment was finalized at shutdown");
        assertTrue(Files.exists(deployment(0).resolve("usr/share/apt-ostree-test/newer-base")));
    }

    private List<Deployment> deployments() throws Exception {
        return Sysroot.load(sysroot).deployments();
    }

    private Path deployment(int index) throws Exception {
        return deployments().get(index).dir(sysroot);
    }
}
