package org.aptostree.daemon.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.aptostree.deb.compression.Compression;
import org.aptostree.fixtures.cpio.CpioBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Composed trees with a synthetic kernel and initramfs images laid out as initramfs-tools and dracut lay them out
 * (an uncompressed early microcode archive, then the compressed main one): only an initramfs that starts
 * ostree-prepare-root passes; the others are refused with what is missing and how to fix it.
 */
class BootabilityTest {
    private static final String KVER = "6.12.0-1-amd64";

    @TempDir
    Path dir;

    private final List<String> notes = new ArrayList<>();
    private final ComposeProgress progress = new ComposeProgress() {
        @Override
        public void note(String message) {
            notes.add(message);
        }
    };

    private static byte[] earlyMicrocode() {
        return new CpioBuilder().directory("kernel").directory("kernel/x86").directory("kernel/x86/microcode")
                .file("kernel/x86/microcode/GenuineIntel.bin", new byte[] {1, 2, 3, 4}, 0644).build();
    }

    /** What mkinitramfs puts in the main archive (a few of each kind), zstd-compressed as Debian's default. */
    private static byte[] initramfsTools() {
        CpioBuilder main = new CpioBuilder().directory(".").symlink("bin", "usr/bin").symlink("lib", "usr/lib")
                .directory("conf").file("conf/initramfs.conf", "MODULES=most\nCOMPRESS=zstd\n").file("conf/arch.conf", "DPKG_ARCH=amd64\n")
                .directory("scripts").directory("scripts/init-top").file("scripts/local", "mountroot() { :; }\n")
                .file("init", "#!/bin/sh\nexec run-init ${rootmnt} ${init} \"$@\"\n".getBytes(StandardCharsets.UTF_8), 0755)
                .directory("usr").directory("usr/bin").file("usr/bin/run-init", new byte[] {0x7f, 'E', 'L', 'F'}, 0755);
        return CpioBuilder.concat(earlyMicrocode(), CpioBuilder.compress(main.build(), Compression.ZSTD));
    }

    /** dracut's layout with systemd; {@code ostree} adds what the 98ostree module installs. */
    private static CpioBuilder dracut(boolean ostree) {
        CpioBuilder main = new CpioBuilder().directory(".").symlink("bin", "usr/bin").symlink("lib", "usr/lib")
                .symlink("init", "usr/lib/systemd/systemd").file("etc/initrd-release", "NAME=dracut\n")
                .directory("usr").directory("usr/lib").directory("usr/lib/dracut").file("usr/lib/dracut/build-parameter.txt", "")
                .directory("usr/lib/systemd").directory("usr/lib/systemd/system")
                .file("usr/lib/systemd/systemd", new byte[] {0x7f, 'E', 'L', 'F'}, 0755)
                .directory("etc").directory("etc/systemd").directory("etc/systemd/system");
        if (ostree) {
            main.directory("usr/lib/ostree").file("usr/lib/ostree/ostree-prepare-root", new byte[] {0x7f, 'E', 'L', 'F'}, 0755)
                    .file("usr/lib/systemd/system/ostree-prepare-root.service", "[Unit]\nDescription=OSTree Prepare OS/\n")
                    .directory("etc/systemd/system/initrd-root-fs.target.wants")
                    .symlink("etc/systemd/system/initrd-root-fs.target.wants/ostree-prepare-root.service",
                            "../../../../usr/lib/systemd/system/ostree-prepare-root.service");
        }
        return main;
    }

    private static byte[] initramfs(CpioBuilder main, Compression compression) {
        return CpioBuilder.concat(earlyMicrocode(), CpioBuilder.compress(main.build(), compression));
    }

    /** A tree after the OSTree layout: the kernel and its initramfs in usr/lib/modules/VERSION/. */
    private Path tree(byte[] initramfs) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path modules = Files.createDirectories(root.resolve("usr/lib/modules/" + KVER));
        Files.write(modules.resolve("vmlinuz"), new byte[] {'M', 'Z', 0, 1});
        if (initramfs != null) {
            Files.write(modules.resolve("initramfs.img"), initramfs);
        }
        return root;
    }

    @Test
    void anInitramfsOfInitramfsToolsIsRefusedWithWhatToDo() throws Exception {
        Path root = tree(initramfsTools());
        ComposeException e = assertThrows(ComposeException.class, () -> Bootability.check(root, false, progress));
        assertEquals("the tree cannot boot as an OSTree deployment: the initramfs of kernel " + KVER + " (usr/lib/modules/" + KVER
                + "/initramfs.img) has no usr/lib/ostree/ostree-prepare-root, which mounts the deployment as / at boot; it was made by"
                + " initramfs-tools, which has no OSTree support in Debian. To fix it, add dracut and ostree-boot to the treefile's"
                + " packages (dracut in place of initramfs-tools); for a tree that is not meant to boot, such as a container image,"
                + " pass --allow-unbootable or set 'allow-unbootable: true' in the treefile", e.getMessage());
    }

    @Test
    void allowUnbootableCommitsItAsNotBootableWithAWarning() throws Exception {
        Path root = tree(initramfsTools());
        assertFalse(Bootability.check(root, true, progress));
        assertEquals(1, notes.size());
        assertTrue(notes.get(0).startsWith("warning: the tree cannot boot as an OSTree deployment (the initramfs of kernel " + KVER),
                notes.get(0));
    }

    @Test
    void anInitramfsOfDracutWithTheOstreeModuleBoots() throws Exception {
        for (Compression c : List.of(Compression.GZIP, Compression.ZSTD, Compression.XZ)) {
            Path root = tree(initramfs(dracut(true), c));
            assertEquals(Optional.empty(), Bootability.problem(root), c.name());
            assertTrue(Bootability.check(root, false, progress), c.name());
            deleteTree(root);
        }
        assertEquals(List.of(), notes);
    }

    @Test
    void pathsThroughTheArchivesOwnSymbolicLinksCount() throws Exception {
        // Stored as lib/... with lib -> usr/lib, and the unit enabled in usr/lib/systemd/system's own wants directory.
        CpioBuilder main = new CpioBuilder().symlink("lib", "usr/lib").directory("usr").directory("usr/lib")
                .directory("lib/ostree").file("lib/ostree/ostree-prepare-root", new byte[] {1}, 0755)
                .directory("lib/systemd").directory("lib/systemd/system")
                .file("lib/systemd/system/ostree-prepare-root.service", "[Unit]\n")
                .directory("lib/systemd/system/initrd-root-fs.target.requires")
                .symlink("lib/systemd/system/initrd-root-fs.target.requires/ostree-prepare-root.service", "../ostree-prepare-root.service");
        assertEquals(Optional.empty(), Bootability.problem(tree(CpioBuilder.compress(main.build(), Compression.GZIP))));
    }

    @Test
    void anInitramfsOfDracutWithoutTheOstreeModuleIsRefused() throws Exception {
        Optional<String> problem = Bootability.problem(tree(initramfs(dracut(false), Compression.GZIP)));
        assertEquals(Optional.of("the initramfs of kernel " + KVER + " (usr/lib/modules/" + KVER + "/initramfs.img) has no"
                + " usr/lib/ostree/ostree-prepare-root, which mounts the deployment as / at boot; it was made by dracut without the"
                + " ostree module of ostree-boot"), problem);
    }

    @Test
    void thePrepareRootBinaryAloneIsNotEnough() throws Exception {
        CpioBuilder main = dracut(false).directory("usr/lib/ostree")
                .file("usr/lib/ostree/ostree-prepare-root", new byte[] {1}, 0755)
                .file("usr/lib/systemd/system/ostree-prepare-root.service", "[Unit]\n");
        Optional<String> problem = Bootability.problem(tree(initramfs(main, Compression.GZIP)));
        assertTrue(problem.orElseThrow().contains("has usr/lib/ostree/ostree-prepare-root but does not start it (no initrd target wants"
                + " ostree-prepare-root.service)"), problem.get());
    }

    @Test
    void aKernelWithoutInitramfsIsRefused() throws Exception {
        ComposeException e = assertThrows(ComposeException.class, () -> Bootability.check(tree(null), false, progress));
        assertTrue(e.getMessage().contains("kernel " + KVER + " has no initramfs"), e.getMessage());
        assertTrue(e.getMessage().contains("add dracut and ostree-boot"), e.getMessage());
    }

    @Test
    void aTreeWithoutKernelIsNotBootableAndNotRefused() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root/usr/bin")).getParent().getParent();
        assertFalse(Bootability.check(root, false, progress));
        assertEquals(List.of(), notes);
    }

    @Test
    void aDamagedInitramfsIsRefusedNamingWhatIsWrong() throws Exception {
        byte[] damaged = initramfs(dracut(true), Compression.GZIP);
        Path root = tree(java.util.Arrays.copyOf(damaged, damaged.length - 40));
        ComposeException e = assertThrows(ComposeException.class, () -> Bootability.check(root, false, progress));
        assertTrue(e.getMessage().startsWith("the tree cannot boot as an OSTree deployment: the initramfs of kernel " + KVER
                + " (usr/lib/modules/" + KVER + "/initramfs.img) cannot be read as the kernel reads it: "), e.getMessage());
        assertTrue(e.getMessage().contains("gzip"), e.getMessage());
        // A stand-in that is no cpio at all, in a tree not meant to boot: allowed.
        Files.writeString(root.resolve("usr/lib/modules/" + KVER + "/initramfs.img"), "stand-in initramfs\n");
        assertFalse(Bootability.check(root, true, progress));
        assertTrue(notes.get(0).contains("neither a cpio archive nor a compression apt-ostree reads"), notes.get(0));
    }

    private static void deleteTree(Path root) throws Exception {
        try (var s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
