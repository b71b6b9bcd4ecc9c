package org.aptostree.ostree.sysroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.container.ExternalCommand;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.KeyFile;
import org.aptostree.ostree.repo.PaxTar;
import org.aptostree.ostree.repo.RealOstree;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.repo.Trees;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our deployments and {@code ostree admin}'s (2022.7) are interchangeable on directory sysroots: the same sequence
 * gives the same status, boot entries, /boot files and boot links, and the same merged /etc; each tool continues
 * on the other's sysroot.
 */
class SysrootInteropTest {
    @TempDir
    Path dir;

    private Path tree;

    @BeforeEach
    void setUp() throws Exception {
        Requirements.tools("ostree", "chattr");
        Requirements.root(); // deployments of a bare repository, as with ostree admin
        tree = BootableTree.write(dir.resolve("tree"));
        Files.createDirectories(tree.resolve("usr/etc/sub"));
        Files.writeString(tree.resolve("usr/etc/conf"), "default\n");
        Files.writeString(tree.resolve("usr/etc/sub/x"), "x\n");
        Files.writeString(tree.resolve("usr/bin/tool"), "tool\n");
    }

    @org.junit.jupiter.api.AfterEach
    void clearImmutableFlags() throws Exception {
        // Deployment roots are immutable, as ostree makes them; clear that so the temporary directory can go.
        new ProcessBuilder(Requirements.tool("chattr").toString(), "-R", "-i", dir.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }

    private Path ostreeSysroot(String name) throws Exception {
        Path root = dir.resolve(name);
        Files.createDirectories(root);
        RealOstree.run("admin", "init-fs", "--modern", root.toString());
        RealOstree.run("admin", "os-init", "--sysroot=" + root, "debian");
        return root;
    }

    private Path ourSysroot(String name) throws Exception {
        Path root = dir.resolve(name);
        Deployer.initFs(root, true);
        locked(root, d -> d.osInit("debian"));
        return root;
    }

    private interface Change {
        void apply(Deployer d) throws Exception;
    }

    /** One change under the sysroot lock, as one ostree admin command makes it. */
    private static void locked(Path root, Change change) throws Exception {
        try (Deployer d = Deployer.lock(root)) {
            change.apply(d);
        }
    }

    private static String commit(Path root, Path tree, String version, long time) throws Exception {
        return RealOstree.run("commit", "--repo=" + root.resolve("ostree/repo"), "-b", "debian/test", "--tree=dir=" + tree,
                "--add-metadata-string=version=" + version, "--timestamp=@" + time).strip();
    }

    private static void ourDeploy(Path root, List<String> kargs) throws Exception {
        ourDeploy(root, kargs, true);
    }

    private static void ourDeploy(Path root, List<String> kargs, boolean prune) throws Exception {
        Repository repo = Repository.open(root.resolve("ostree/repo"));
        KeyFile origin = KeyFile.parse("[origin]\nrefspec=debian/test\n", "origin");
        locked(root, d -> d.deploy(repo.resolveRev("debian/test"), Deployer.DeployOptions.of("debian", origin).withPrune(prune).withKargs(k -> {
            KernelArgs out = k;
            for (String a : kargs) {
                out = out.replace(a);
            }
            return out;
        })));
    }

    private static void theirDeploy(Path root, List<String> kargs, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("admin", "deploy", "--sysroot=" + root, "--os=debian"));
        for (String k : kargs) {
            args.add("--karg=" + k);
        }
        args.addAll(List.of(options));
        args.add("debian/test");
        RealOstree.run(args.toArray(String[]::new));
    }

    /**
     * Every path but the repository's objects, with its type, mode, owner and link target or content: boot
     * entries, loader links, link farms, deployments with their origins, /var, refs, config and lock files.
     */
    static List<String> layout(Path root) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                String rel = root.relativize(p).toString();
                if (rel.startsWith("ostree/repo/objects")) {
                    continue;
                }
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
                String line = String.format("%s %o %s:%s", rel, (Integer) a.get("mode"), a.get("uid"), a.get("gid"));
                if (Files.isSymbolicLink(p)) {
                    line += " -> " + Files.readSymbolicLink(p);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    byte[] content = Files.readAllBytes(p);
                    line += content.length <= 4096 ? " " + new String(content, StandardCharsets.UTF_8).replace("\n", "\\n")
                            : " " + content.length + " bytes, sha256 " + sha256(content);
                }
                lines.add(line);
            }
        }
        return lines;
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertSame(Path theirs, Path ours) throws Exception {
        List<String> expected = layout(theirs);
        List<String> actual = layout(ours);
        List<String> missing = new ArrayList<>(expected);
        missing.removeAll(actual);
        List<String> extra = new ArrayList<>(actual);
        extra.removeAll(expected);
        assertEquals(expected, actual, "ostree's only:\n" + String.join("\n", missing) + "\nours only:\n" + String.join("\n", extra));
        assertEquals(RealOstree.run("admin", "status", "--sysroot=" + theirs), RealOstree.run("admin", "status", "--sysroot=" + ours));
        assertEquals(RealOstree.run("refs", "--repo=" + theirs.resolve("ostree/repo")),
                RealOstree.run("refs", "--repo=" + ours.resolve("ostree/repo")));
        // Each holder removes the lock file when it is done.
        assertFalse(Files.exists(ours.resolve("ostree/lock"), LinkOption.NOFOLLOW_LINKS));
    }

    private static Path defaultEtc(Path root) throws Exception {
        Deployment d = Sysroot.load(root).deployments().get(0);
        return d.dir(root).resolve("etc");
    }

    private static void editEtc(Path root) throws Exception {
        Path etc = defaultEtc(root);
        Files.writeString(etc.resolve("conf"), "local change\n");
        Files.writeString(etc.resolve("added"), "added\n");
        Files.delete(etc.resolve("hostname"));
        Files.writeString(etc.resolve("sub/y"), "new in sub\n");
    }

    /** What systemd-update-done leaves once the ConditionNeedsUpdate= units have run. */
    private static void markUpdated(Path root) throws Exception {
        String stamp = "# This file was created by systemd-update-done. Its only\n# purpose is to hold a timestamp of the time"
                + " this directory\n# was updated. See man:systemd-update-done.service(8).\nTIMESTAMP_NSEC=1700000000000000000\n";
        Files.writeString(defaultEtc(root).resolve(".updated"), stamp);
        Files.writeString(root.resolve("ostree/deploy/debian/var/.updated"), stamp);
    }

    @Test
    void sameSequenceSameSysroot() throws Exception {
        Path theirs = ostreeSysroot("theirs");
        Path ours = ourSysroot("ours");
        assertEquals(commit(theirs, tree, "1.0", 0), commit(ours, tree, "1.0", 0));
        // Each tool makes the repository's lock file anew, as it locks the repository to write refs and prune.
        Files.delete(theirs.resolve("ostree/repo/.lock"));
        Files.delete(ours.resolve("ostree/repo/.lock"));
        theirDeploy(theirs, List.of("root=LABEL=root", "quiet"));
        ourDeploy(ours, List.of("root=LABEL=root", "quiet"));
        assertSame(theirs, ours);

        editEtc(theirs);
        editEtc(ours);
        markUpdated(theirs);
        markUpdated(ours);
        Files.writeString(tree.resolve("usr/etc/conf2"), "new default\n");
        Files.writeString(tree.resolve("usr/etc/conf"), "changed default\n");
        assertEquals(commit(theirs, tree, "2.0", 100), commit(ours, tree, "2.0", 100));
        theirDeploy(theirs, List.of());
        ourDeploy(ours, List.of());
        assertSame(theirs, ours);
        assertEquals(Trees.listingWithOwners(defaultEtc(theirs)), Trees.listingWithOwners(defaultEtc(ours)));
        // The new deployment starts without the stamps, so systemd's ConditionNeedsUpdate= units run on its boot;
        // the old deployment keeps its own.
        for (Path root : List.of(theirs, ours)) {
            assertFalse(Files.exists(defaultEtc(root).resolve(".updated")), root.toString());
            assertFalse(Files.exists(root.resolve("ostree/deploy/debian/var/.updated")), root.toString());
            assertTrue(Files.exists(Sysroot.load(root).deployments().get(1).dir(root).resolve("etc/.updated")), root.toString());
        }

        // A new kernel: a second boot checksum; the oldest deployment is garbage-collected.
        Files.writeString(tree.resolve("usr/lib/modules/6.1.0-test/vmlinuz"), "KERNEL patched\n");
        assertEquals(commit(theirs, tree, "3.0", 200), commit(ours, tree, "3.0", 200));
        theirDeploy(theirs, List.of("console=ttyS0"));
        ourDeploy(ours, List.of("console=ttyS0"));
        assertSame(theirs, ours);

        RealOstree.run("admin", "pin", "--sysroot=" + theirs, "1");
        locked(ours, d -> d.pin(1, true));
        assertSame(theirs, ours);
        // A pinned deployment survives the next deploy's garbage collection.
        Files.writeString(tree.resolve("usr/bin/tool"), "tool 4\n");
        assertEquals(commit(theirs, tree, "4.0", 300), commit(ours, tree, "4.0", 300));
        theirDeploy(theirs, List.of());
        ourDeploy(ours, List.of());
        assertSame(theirs, ours);
        assertEquals(3, Sysroot.load(ours).deployments().size());
        RealOstree.run("admin", "undeploy", "--sysroot=" + theirs, "1");
        locked(ours, d -> d.undeploy(1));
        assertSame(theirs, ours);
        // kargs edit-in-place rewrites the current boot entries where they are: no new boot version. A key that is
        // there already (console=ttyS0 on the default) is not appended again.
        for (String arg : List.of("console=tty0", "nomodeset")) {
            RealOstree.run("admin", "kargs", "edit-in-place", "--sysroot=" + theirs, "--append-if-missing=" + arg);
            locked(ours, d -> d.editKernelArgsInPlace(k -> k.appendIfMissing(arg)));
            assertSame(theirs, ours);
        }
        assertEquals(RealOstree.run("refs", "--repo=" + theirs.resolve("ostree/repo")),
                RealOstree.run("refs", "--repo=" + ours.resolve("ostree/repo")));

        // set-default is newer than ostree 2022.7; ostree reads the result.
        ObjectId second = Sysroot.load(ours).deployments().get(1).commit();
        locked(ours, d -> d.setDefault(1));
        assertEquals(second, Sysroot.load(ours).deployments().get(0).commit());
        assertTrue(RealOstree.run("admin", "status", "--sysroot=" + ours).startsWith("  debian " + second.hex()));
    }

    /**
     * Commits without a version on the same kernel: a deploy that keeps the number of deployments changes nothing
     * the bootloader sees, so ostree swaps only the link farm ({@code ostree/boot.B.S}); --no-prune leaves the
     * refs and the old deployment until the next cleanup.
     */
    @Test
    void unchangedBootConfigurationSwapsOnlyTheLinks() throws Exception {
        Path theirs = ostreeSysroot("theirs");
        Path ours = ourSysroot("ours");
        List<String> bootLinks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Files.writeString(tree.resolve("usr/bin/tool"), "tool " + i + "\n");
            String c = RealOstree.run("commit", "--repo=" + theirs.resolve("ostree/repo"), "-b", "debian/test",
                    "--tree=dir=" + tree, "--timestamp=@" + i).strip();
            assertEquals(c, RealOstree.run("commit", "--repo=" + ours.resolve("ostree/repo"), "-b", "debian/test",
                    "--tree=dir=" + tree, "--timestamp=@" + i).strip());
            boolean prune = i != 2;
            if (prune) {
                theirDeploy(theirs, List.of("quiet"));
            } else {
                theirDeploy(theirs, List.of("quiet"), "--no-prune");
            }
            ourDeploy(ours, List.of("quiet"), prune);
            assertSame(theirs, ours);
            Path loader = Files.readSymbolicLink(ours.resolve("boot/loader"));
            bootLinks.add(loader + " " + Files.readSymbolicLink(ours.resolve("ostree/boot." + loader.toString().substring(7))));
        }
        // From two deployments on, boot/loader stays and only the link farm alternates.
        assertEquals(List.of("loader.1 boot.1.1", "loader.0 boot.0.1", "loader.0 boot.0.0", "loader.0 boot.0.1"), bootLinks);
        RealOstree.run("admin", "cleanup", "--sysroot=" + theirs);
        locked(ours, Deployer::cleanup);
        assertSame(theirs, ours);
    }

    @Test
    void eachToolContinuesOnTheOthersSysroot() throws Exception {
        Path a = ostreeSysroot("a");
        commit(a, tree, "1.0", 0);
        theirDeploy(a, List.of("quiet"));
        Files.writeString(tree.resolve("usr/bin/tool"), "tool 2\n");
        ObjectId second = ObjectId.fromHex(commit(a, tree, "2.0", 10));
        theirDeploy(a, List.of());
        Sysroot loaded = Sysroot.load(a);
        assertEquals(2, loaded.deployments().size());
        assertEquals(second, loaded.deployments().get(0).commit());

        Files.writeString(tree.resolve("usr/bin/tool"), "tool 3\n");
        commit(a, tree, "3.0", 20);
        ourDeploy(a, List.of());
        locked(a, d -> {
            d.rollback();
            d.cleanup();
        });
        String status = RealOstree.run("admin", "status", "--sysroot=" + a);
        assertTrue(status.indexOf("Version: 2.0") < status.indexOf("Version: 3.0"), status);
        RealOstree.run("fsck", "--repo=" + a.resolve("ostree/repo"));
        // ostree goes on from our state.
        theirDeploy(a, List.of());
        assertEquals(3, Sysroot.load(a).deployments().size() + 1);
    }

    /**
     * A deployment's xattrs are those ostree admin deploy gives it: the checkout keeps every xattr of the objects, an
     * empty one too; /etc, a copying checkout of /usr/etc and then the old deployment's changes, has a directory's
     * xattrs from its dirmeta (empty ones too) but a file's as libglnx reads them, which leaves empty values out.
     */
    @Test
    void deploymentsCarryTheXattrsOstreeGivesThem() throws Exception {
        setXattr(tree.resolve("usr/etc/conf"), "kept", "v");
        setXattr(tree.resolve("usr/etc/conf"), "empty", "");
        setXattr(tree.resolve("usr/etc/sub"), "dir", "d");
        setXattr(tree.resolve("usr/etc/sub"), "dirempty", "");
        // Only a tar keeps empty xattr values into a commit.
        Path tar = dir.resolve("tree.tar");
        try (java.io.OutputStream out = Files.newOutputStream(tar)) {
            PaxTar.write(tree, java.util.Map.of(), 0, 0, new java.util.Random(1), out);
        }
        Path theirs = ostreeSysroot("theirs");
        Path ours = ourSysroot("ours");
        for (Path root : List.of(theirs, ours)) {
            RealOstree.run("commit", "--repo=" + root.resolve("ostree/repo"), "-b", "debian/test", "--tree=tar=" + tar,
                    "--timestamp=@0");
        }
        theirDeploy(theirs, List.of());
        ourDeploy(ours, List.of());
        assertEquals(xattrs(defaultEtc(theirs).getParent()), xattrs(defaultEtc(ours).getParent()));
        assertTrue(xattrs(defaultEtc(ours).getParent()).contains("usr/etc/conf user.empty="), "the checkout keeps the empty xattr");

        // Local changes with xattrs: the next deployment's /etc gets them as libostree copies them.
        for (Path root : List.of(theirs, ours)) {
            Path etc = defaultEtc(root);
            Files.writeString(etc.resolve("conf"), "local\n");
            setXattr(etc.resolve("conf"), "local", "l");
            setXattr(etc.resolve("conf"), "localempty", "");
            Files.writeString(etc.resolve("added"), "added\n");
            setXattr(etc.resolve("added"), "new", "n");
        }
        theirDeploy(theirs, List.of());
        ourDeploy(ours, List.of());
        assertEquals(xattrs(defaultEtc(theirs).getParent()), xattrs(defaultEtc(ours).getParent()));
    }

    private static void setXattr(Path p, String name, String value) throws IOException {
        Files.getFileAttributeView(p, UserDefinedFileAttributeView.class).write(name, ByteBuffer.wrap(value.getBytes()));
    }

    /** Every user xattr under a deployment's /etc and /usr/etc, empty ones too, one line each. */
    private static List<String> xattrs(Path deployment) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String top : List.of("etc", "usr/etc")) {
            try (Stream<Path> walk = Files.walk(deployment.resolve(top))) {
                for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                    if (Files.isSymbolicLink(p)) {
                        continue;
                    }
                    UserDefinedFileAttributeView view = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class,
                            LinkOption.NOFOLLOW_LINKS);
                    for (String name : view.list().stream().sorted().toList()) {
                        ByteBuffer buf = ByteBuffer.allocate(view.size(name));
                        view.read(name, buf);
                        lines.add(deployment.relativize(p) + " user." + name + "=" + HexFormat.of().formatHex(buf.array()));
                    }
                }
            }
        }
        return lines;
    }

    /** Both tools touch ostree/deploy after a change, so that watchers (rpm-ostree's daemon, ours) notice. */
    @Test
    void changesBumpTheDeployDirectoryMtime() throws Exception {
        Path theirs = ostreeSysroot("theirs");
        Path ours = ourSysroot("ours");
        commit(theirs, tree, "1.0", 0);
        commit(ours, tree, "1.0", 0);
        assertBumpsMtime(theirs, () -> theirDeploy(theirs, List.of()));
        assertBumpsMtime(ours, () -> ourDeploy(ours, List.of()));
        assertBumpsMtime(theirs, () -> RealOstree.run("admin", "pin", "--sysroot=" + theirs, "0"));
        assertBumpsMtime(ours, () -> locked(ours, d -> d.pin(0, true)));
    }

    /**
     * The directories deployments are made in are tops of directory hierarchies for ext4's allocator (chattr +T): the
     * stateroot's deploy directory made by a first deployment, and one made for trees to deploy. On other file systems
     * (in CI the temporary directory is on ext4) the flag may not exist: there only nothing may fail.
     */
    @Test
    void deploymentDirectoriesAreTopsOfHierarchies() throws Exception {
        Path ours = ourSysroot("ours");
        commit(ours, tree, "1.0", 0);
        ourDeploy(ours, List.of());
        Path trees = ours.resolve("ostree/repo/tmp/trees");
        Deployer.createTreeDirectory(trees);
        Deployer.createTreeDirectory(trees); // exists: left as it is
        assertTrue(Files.isDirectory(trees));
        if (!ExternalCommand.run("stat", "-f", "-c", "%T", dir.toString()).strip().equals("ext2/ext3")) {
            return;
        }
        for (Path p : List.of(ours.resolve("ostree/deploy/debian/deploy"), trees)) {
            assertTrue(flags(p).contains("T"), p + ": " + flags(p));
        }
        // What is made in them is not marked (ext4 keeps a hierarchy together below its top).
        Path deployment;
        try (Stream<Path> deployments = Files.list(ours.resolve("ostree/deploy/debian/deploy"))) {
            deployment = deployments.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertFalse(flags(deployment).contains("T"), deployment + ": " + flags(deployment));
    }

    private static String flags(Path p) throws Exception {
        return ExternalCommand.run("lsattr", "-d", p.toString()).strip().split(" ")[0];
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void assertBumpsMtime(Path root, Step step) throws Exception {
        // Not 0: ostree takes an mtime of 0 for "never loaded" and then fails an assertion.
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(root.resolve("ostree/deploy"), old);
        step.run();
        assertTrue(Files.getLastModifiedTime(root.resolve("ostree/deploy")).compareTo(old) > 0, root.toString());
    }

    // ------------------------------------------------------------------ the sysroot lock, shared with ostree admin

    private static String lockFileMode(Path root) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("ostree/lock"), LinkOption.NOFOLLOW_LINKS));
    }

    private static boolean pinned(Path root, int index) throws Exception {
        return Sysroot.load(root).deployments().get(index).pinned();
    }

    /** While we hold the lock, ostree admin waits (and says so); it goes on once we release it. */
    @Test
    void ostreeAdminWaitsForOurLock() throws Exception {
        Path root = ostreeSysroot("sysroot");
        commit(root, tree, "1.0", 0);
        theirDeploy(root, List.of());
        Path out = dir.resolve("pin.out");
        Process pin;
        try (Deployer d = Deployer.lock(root)) {
            assertEquals("rw-------", lockFileMode(root));
            pin = new ProcessBuilder("ostree", "admin", "pin", "--sysroot=" + root, "0")
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(out).contains("Waiting for sysroot lock...") && pin.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals("Waiting for sysroot lock...\n", Files.readString(out));
            Thread.sleep(200);
            assertTrue(pin.isAlive());
            assertFalse(pinned(root, 0));
        }
        assertTrue(pin.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, pin.exitValue(), Files.readString(out));
        assertTrue(pinned(root, 0));
        assertFalse(Files.exists(root.resolve("ostree/lock"), LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * While ostree admin holds the lock, ours is refused or waits. ostree holds it across an upgrade's pull, here
     * from a server that answers nothing until told to close.
     */
    @Test
    void weWaitForOstreeAdminsLock() throws Exception {
        Path root = ostreeSysroot("sysroot");
        commit(root, tree, "1.0", 0);
        theirDeploy(root, List.of());
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            RealOstree.run("remote", "add", "--repo=" + root.resolve("ostree/repo"), "--no-gpg-verify", "stall",
                    "http://127.0.0.1:" + server.getLocalPort() + "/");
            Deployment d0 = Sysroot.load(root).deployments().get(0);
            Files.writeString(d0.originFile(root), "[origin]\nrefspec=stall:debian/test\n");
            List<Socket> clients = new java.util.concurrent.CopyOnWriteArrayList<>();
            CountDownLatch pulling = new CountDownLatch(1);
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        clients.add(server.accept());
                        pulling.countDown();
                    }
                } catch (IOException e) {
                    // Closed at the end of the test.
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Path out = dir.resolve("upgrade.out");
            Process upgrade = new ProcessBuilder("ostree", "admin", "upgrade", "--sysroot=" + root, "--os=debian")
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            try {
                assertTrue(pulling.await(60, TimeUnit.SECONDS), Files.readString(out));
                // ostree holds its lock, which is a file like ours.
                assertEquals("rw-------", lockFileMode(root));
                assertTrue(Deployer.tryLock(root).isEmpty());
                AtomicInteger notices = new AtomicInteger();
                CompletableFuture<Deployer> waiting = CompletableFuture.supplyAsync(() -> {
                    try {
                        return Deployer.lock(root, notices::incrementAndGet);
                    } catch (IOException | OstreeFormatException e) {
                        throw new CompletionException(e);
                    }
                });
                // The waiting thread may be slow to start on a loaded machine: wait for its notice, not a fixed time.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (notices.get() == 0 && !waiting.isDone() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                Thread.sleep(200);
                assertFalse(waiting.isDone());
                assertEquals(1, notices.get());
                for (Socket c : clients) {
                    c.close();
                }
                server.close();
                assertTrue(upgrade.waitFor(60, TimeUnit.SECONDS));
                try (Deployer d = waiting.get(60, TimeUnit.SECONDS)) {
                    assertTrue(Files.exists(root.resolve("ostree/lock"), LinkOption.NOFOLLOW_LINKS));
                    d.pin(0, true);
                }
                assertTrue(pinned(root, 0));
                assertFalse(Files.exists(root.resolve("ostree/lock"), LinkOption.NOFOLLOW_LINKS));
            } finally {
                upgrade.destroyForcibly();
            }
        }
    }

    /** Threads of one process exclude each other too (record locks would not), and the lock is not reentrant. */
    @Test
    void threadsOfOneProcessExcludeEachOther() throws Exception {
        Path root = ourSysroot("sysroot");
        try (Deployer d = Deployer.lock(root)) {
            assertThrows(IllegalStateException.class, () -> Deployer.lock(root));
            assertTrue(CompletableFuture.supplyAsync(() -> {
                try {
                    return Deployer.tryLock(root).isEmpty();
                } catch (IOException | OstreeFormatException e) {
                    throw new CompletionException(e);
                }
            }).get(60, TimeUnit.SECONDS));
        }
        Deployer released;
        try (Deployer d = CompletableFuture.supplyAsync(() -> {
            try {
                return Deployer.tryLock(root).orElseThrow();
            } catch (IOException | OstreeFormatException e) {
                throw new CompletionException(e);
            }
        }).get(60, TimeUnit.SECONDS)) {
            released = d;
        }
        assertThrows(IllegalStateException.class, released::cleanup);
    }

    @Test
    void plainDirectoryIsNotAnOstreeSystem() throws Exception {
        NotOstreeSystemException e = assertThrows(NotOstreeSystemException.class, () -> Sysroot.load(dir));
        assertTrue(e.getMessage().startsWith("This is not an OSTree system: " + dir.resolve("ostree/deploy") + " is missing"), e.getMessage());
    }
}
