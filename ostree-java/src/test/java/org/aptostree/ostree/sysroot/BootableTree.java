package org.aptostree.ostree.sysroot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The smallest tree that deploys: a kernel and initramfs in usr/lib/modules, an os-release and a /usr/etc. */
final class BootableTree {
    private BootableTree() {
    }

    static Path write(Path tree) throws IOException {
        Files.createDirectories(tree.resolve("usr/lib/modules/6.1.0-test"));
        Files.createDirectories(tree.resolve("usr/etc"));
        Files.createDirectories(tree.resolve("usr/bin"));
        Files.writeString(tree.resolve("usr/lib/modules/6.1.0-test/vmlinuz"), "KERNEL\n");
        Files.writeString(tree.resolve("usr/lib/modules/6.1.0-test/initramfs.img"), "INITRAMFS\n");
        Files.writeString(tree.resolve("usr/lib/os-release"), "PRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"\n");
        Files.writeString(tree.resolve("usr/etc/hostname"), "debian\n");
        return tree;
    }
}
