package org.aptostree.ostree.sysroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.KeyFile;
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
        tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("usr/lib/modules/6.1.0-test"));
        Files.createDirectories(tree.resolve("usr/etc/sub"));
        Files.createDirectories(tree.resolve("usr/bin"));
        Files.writeString(tree.resolve("usr/lib/modules/6.1.0-test/vmlinuz"), "KERNEL 6.1\n");
        Files.writeString(tree.resolve("usr/lib/modules/6.1.0-test/initramfs.img"), "INITRAMFS\n");
        Files.writeString(tree.resolve("usr/lib/os-release"), "PRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"\nID=debian\n");
        Files.writeString(tree.resolve("usr/etc/hostname"), "debian\n");
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
        new Deployer(root).osInit("debian");
        return root;
    }

    private static String commit(Path root, Path tree, String version, long time) throws Exception {
        return RealOstree.run("commit", "--repo=" + root.resolve("ostree/repo"), "-b", "debian/test", "--tree=dir=" + tree,
                "--add-metadata-string=version=" + version, "--timestamp=@" + time).strip();
    }

    private static void ourDeploy(Path root, List<String> kargs) throws Exception {
        Repository repo = Repository.open(root.resolve("ostree/repo"));
        KeyFile origin = KeyFile.parse("[origin]\nrefspec=debian/test\n", "origin");
        new Deployer(root).deploy(repo.resolveRev("debian/test"), Deployer.DeployOptions.of("debian", origin).withKargs(k -> {
            KernelArgs out = k;
            for (String a : kargs) {
                out = out.replace(a);
            }
            return out;
        }));
    }

    private static void theirDeploy(Path root, List<String> kargs) throws Exception {
        List<String> args = new ArrayList<>(List.of("admin", "deploy", "--sysroot=" + root, "--os=debian"));
        for (String k : kargs) {
            args.add("--karg=" + k);
        }
        args.add("debian/test");
        RealOstree.run(args.toArray(String[]::new));
    }

    /** Everything outside the repository: paths, types, link targets and file contents. */
    private static List<String> layout(Path root) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                String rel = root.relativize(p).toString();
                if (rel.startsWith("ostree/repo") || rel.equals("ostree/lock") || rel.matches("ostree/deploy/[^/]+/deploy/[^/]+/usr.*")) {
                    continue;
                }
                if (Files.isSymbolicLink(p)) {
                    lines.add(rel + " -> " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    lines.add(rel + "/");
                } else {
                    lines.add(rel + ": " + Files.readString(p).replace("\n", "\\n"));
                }
            }
        }
        return lines;
    }

    private static void assertSame(Path theirs, Path ours) throws Exception {
        assertEquals(String.join("\n", layout(theirs)), String.join("\n", layout(ours)));
        assertEquals(RealOstree.run("admin", "status", "--sysroot=" + theirs), RealOstree.run("admin", "status", "--sysroot=" + ours));
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

    @Test
    void sameSequenceSameSysroot() throws Exception {
        Path theirs = ostreeSysroot("theirs");
        Path ours = ourSysroot("ours");
        assertEquals(commit(theirs, tree, "1.0", 0), commit(ours, tree, "1.0", 0));
        theirDeploy(theirs, List.of("root=LABEL=root", "quiet"));
        ourDeploy(ours, List.of("root=LABEL=root", "quiet"));
        assertSame(theirs, ours);

        editEtc(theirs);
        editEtc(ours);
        Files.writeString(tree.resolve("usr/etc/conf2"), "new default\n");
        Files.writeString(tree.resolve("usr/etc/conf"), "changed default\n");
        assertEquals(commit(theirs, tree, "2.0", 100), commit(ours, tree, "2.0", 100));
        theirDeploy(theirs, List.of());
        ourDeploy(ours, List.of());
        assertSame(theirs, ours);
        assertEquals(Trees.listingWithOwners(defaultEtc(theirs)), Trees.listingWithOwners(defaultEtc(ours)));

        // A new kernel: a second boot checksum; the oldest deployment is garbage-collected.
        Files.writeString(tree.resolve("usr/lib/modules/6.1.0-test/vmlinuz"), "KERNEL 6.1 patched\n");
        assertEquals(commit(theirs, tree, "3.0", 200), commit(ours, tree, "3.0", 200));
        theirDeploy(theirs, List.of("console=ttyS0"));
        ourDeploy(ours, List.of("console=ttyS0"));
        assertSame(theirs, ours);

        RealOstree.run("admin", "pin", "--sysroot=" + theirs, "1");
        new Deployer(ours).pin(1, true);
        assertSame(theirs, ours);
        // A pinned deployment survives the next deploy's garbage collection.
        Files.writeString(tree.resolve("usr/bin/tool"), "tool 4\n");
        assertEquals(commit(theirs, tree, "4.0", 300), commit(ours, tree, "4.0", 300));
        theirDeploy(theirs, List.of());
        ourDeploy(ours, List.of());
        assertSame(theirs, ours);
        assertEquals(3, Sysroot.load(ours).deployments().size());
        RealOstree.run("admin", "undeploy", "--sysroot=" + theirs, "1");
        new Deployer(ours).undeploy(1);
        assertSame(theirs, ours);
        assertEquals(RealOstree.run("refs", "--repo=" + theirs.resolve("ostree/repo")),
                RealOstree.run("refs", "--repo=" + ours.resolve("ostree/repo")));

        // set-default is newer than ostree 2022.7; ostree reads the result.
        ObjectId second = Sysroot.load(ours).deployments().get(1).commit();
        new Deployer(ours).setDefault(1);
        assertEquals(second, Sysroot.load(ours).deployments().get(0).commit());
        assertTrue(RealOstree.run("admin", "status", "--sysroot=" + ours).startsWith("  debian " + second.hex()));
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
        new Deployer(a).rollback();
        new Deployer(a).cleanup();
        String status = RealOstree.run("admin", "status", "--sysroot=" + a);
        assertTrue(status.indexOf("Version: 2.0") < status.indexOf("Version: 3.0"), status);
        RealOstree.run("fsck", "--repo=" + a.resolve("ostree/repo"));
        // ostree goes on from our state.
        theirDeploy(a, List.of());
        assertEquals(3, Sysroot.load(a).deployments().size() + 1);
    }

    @Test
    void plainDirectoryIsNotAnOstreeSystem() throws Exception {
        NotOstreeSystemException e = assertThrows(NotOstreeSystemException.class, () -> Sysroot.load(dir));
        assertTrue(e.getMessage().startsWith("This is not an OSTree system: " + dir.resolve("ostree/deploy") + " is missing"), e.getMessage());
    }
}
