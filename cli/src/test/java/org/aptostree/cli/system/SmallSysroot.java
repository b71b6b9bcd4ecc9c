package org.aptostree.cli.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A directory sysroot with two tiny commits of {@code debian/test} deployed by the real {@code ostree admin}
 * (version 2 the default, version 1 the rollback): enough for the verbs that need no packages (status, rollback,
 * kargs, cleanup, db list) and for the daemon's plumbing.
 */
final class SmallSysroot {
    private SmallSysroot() {
    }

    static Path create(Path dir) throws IOException, InterruptedException {
        Path tree = dir.resolve("tree");
        Path sysroot = dir.resolve("sysroot");
        Files.createDirectories(tree.resolve("usr/lib/modules/6.1.0-test"));
        Files.createDirectories(tree.resolve("usr/etc"));
        Files.createDirectories(tree.resolve("usr/bin"));
        Files.writeString(tree.resolve("usr/lib/modules/6.1.0-test/vmlinuz"), "KERNEL\n");
        Files.writeString(tree.resolve("usr/lib/modules/6.1.0-test/initramfs.img"), "INITRAMFS\n");
        Files.writeString(tree.resolve("usr/lib/os-release"), "ID=debian\nPRETTY_NAME=\"Debian\"\n");
        Files.writeString(tree.resolve("usr/etc/hostname"), "host\n");
        Files.createDirectories(sysroot);
        ostree("admin", "init-fs", "--modern", sysroot.toString());
        ostree("admin", "os-init", "--sysroot=" + sysroot, "debian");
        for (int v = 1; v <= 2; v++) {
            Files.writeString(tree.resolve("usr/bin/version"), "v" + v + "\n");
            ostree("commit", "--repo=" + sysroot.resolve("ostree/repo"), "-b", "debian/test", "--tree=dir=" + tree,
                    "--add-metadata-string=version=" + v, "--timestamp=@" + (1_700_000_000L + v));
            ostree("admin", "deploy", "--sysroot=" + sysroot, "--os=debian", "debian/test");
        }
        return sysroot;
    }

    static String ostree(String... args) throws IOException, InterruptedException {
        List<String> c = new java.util.ArrayList<>(List.of("ostree"));
        c.addAll(List.of(args));
        return Commands.run(c).expectSuccess(c).out();
    }

    /** Clears the immutable flag ostree sets on deployment roots, so a temporary directory can be removed. */
    static void unlock(Path dir) throws IOException, InterruptedException {
        Commands.run(List.of("chattr", "-R", "-f", "-i", dir.toString()));
    }
}
