package org.aptostree.ostree.sysroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.aptostree.ostree.repo.KeyFile;
import org.aptostree.ostree.repo.PaxTar;
import org.aptostree.ostree.repo.RealOstree;
import org.aptostree.ostree.repo.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deployment's xattrs are those {@code ostree admin deploy} (2022.7) gives it: the checkout keeps every xattr of
 * the objects, an empty one too, while /etc, a copy of /usr/etc and then of the old deployment's changes, has only
 * those libglnx reads, which leaves empty values out.
 */
class DeployXattrsInteropTest {
    @TempDir
    Path dir;

    @AfterEach
    void clearImmutableFlags() throws Exception {
        new ProcessBuilder("chattr", "-R", "-i", dir.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }

    @Test
    void deploymentsCarryTheXattrsOstreeGivesThem() throws Exception {
        RealOstree.assumeInstalled();
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "deployments of a bare repository need root, as with ostree admin");
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("usr/lib/modules/6.1.0-test"));
        Files.createDirectories(tree.resolve("usr/etc/sub"));
        Files.writeString(tree.resolve("usr/lib/modules/6.1.0-test/vmlinuz"), "KERNEL\n");
        Files.writeString(tree.resolve("usr/lib/os-release"), "ID=debian\n");
        Files.writeString(tree.resolve("usr/etc/conf"), "default\n");
        Files.writeString(tree.resolve("usr/etc/plain"), "plain\n");
        Files.writeString(tree.resolve("usr/etc/sub/x"), "x\n");
        setXattr(tree.resolve("usr/etc/conf"), "kept", "v");
        setXattr(tree.resolve("usr/etc/conf"), "empty", "");
        setXattr(tree.resolve("usr/etc/sub"), "dir", "d");
        setXattr(tree.resolve("usr/etc/sub"), "dirempty", "");
        // Only a tar keeps empty xattr values into a commit.
        Path tar = dir.resolve("tree.tar");
        try (OutputStream out = Files.newOutputStream(tar)) {
            PaxTar.write(tree, Map.of(), 0, 0, new Random(1), out);
        }

        Path theirs = sysroot("theirs");
        Path ours = sysroot("ours");
        for (Path root : List.of(theirs, ours)) {
            RealOstree.run("commit", "--repo=" + root.resolve("ostree/repo"), "-b", "debian/test", "--tree=tar=" + tar,
                    "--timestamp=@0");
        }
        RealOstree.run("admin", "deploy", "--sysroot=" + theirs, "--os=debian", "debian/test");
        ourDeploy(ours);
        assertEquals(xattrs(deployment(theirs)), xattrs(deployment(ours)));
        assertTrue(xattrs(deployment(ours)).contains("usr/etc/conf user.empty="), "the checkout keeps the empty xattr");

        // A local change with xattrs: the next deployment's /etc gets it as libostree copies it.
        for (Path root : List.of(theirs, ours)) {
            Path conf = deployment(root).resolve("etc/conf");
            Files.writeString(conf, "local\n");
            setXattr(conf, "local", "l");
            setXattr(conf, "localempty", "");
            Path added = deployment(root).resolve("etc/added");
            Files.writeString(added, "added\n");
            setXattr(added, "new", "n");
        }
        RealOstree.run("admin", "deploy", "--sysroot=" + theirs, "--os=debian", "debian/test");
        ourDeploy(ours);
        assertEquals(xattrs(deployment(theirs)), xattrs(deployment(ours)));
    }

    private Path sysroot(String name) throws Exception {
        Path root = dir.resolve(name);
        Files.createDirectories(root);
        RealOstree.run("admin", "init-fs", "--modern", root.toString());
        RealOstree.run("admin", "os-init", "--sysroot=" + root, "debian");
        return root;
    }

    private static void ourDeploy(Path root) throws Exception {
        Repository repo = Repository.open(root.resolve("ostree/repo"));
        KeyFile origin = KeyFile.parse("[origin]\nrefspec=debian/test\n", "origin");
        new Deployer(root).deploy(repo.resolveRev("debian/test"), Deployer.DeployOptions.of("debian", origin));
    }

    private static Path deployment(Path root) throws Exception {
        return Sysroot.load(root).deployments().get(0).dir(root);
    }

    private static void setXattr(Path p, String name, String value) throws IOException {
        Files.getFileAttributeView(p, UserDefinedFileAttributeView.class).write(name, ByteBuffer.wrap(value.getBytes()));
    }

    /** Every user xattr under /etc and /usr/etc, empty ones too, one line each. */
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
}
