package org.aptostree.daemon.compose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OstreeLayoutTest {

    private static final String KERNEL = "6.1.0-1-amd64";

    @TempDir
    Path root;

    private final OwnershipTable owners = new OwnershipTable();

    private Path file(String path, String text, int mode) throws IOException {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        Files.setAttribute(p, "unix:mode", mode);
        return p;
    }

    private Path dir(String path, int mode) throws IOException {
        Path p = Files.createDirectories(root.resolve(path));
        Files.setAttribute(p, "unix:mode", mode);
        return p;
    }

    private void symlink(String path, String target) throws IOException {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.createSymbolicLink(p, Path.of(target));
    }

    /** A small tree with what a Debian tree has where the layout differs. */
    @BeforeEach
    void debianTree() throws IOException {
        file("etc/hostname", "debian\n", 0644);
        file("etc/shadow", "root:*:1::::::\n", 0640);
        owners.set("/etc/shadow", 0, 42);

        dir("var/lib/foo", 0750);
        owners.set("/var/lib/foo", 100, 101);
        file("var/lib/foo/state", "", 0600);
        owners.set("/var/lib/foo/state", 100, 101);
        file("var/lib/foo/data", "content", 0640);
        owners.set("/var/lib/foo/data", 100, 101);
        file("var/lib/foo/with space", "", 0600);
        symlink("var/run", "/run");
        file("var/log/dpkg.log", "2026-01-01 status installed\n", 0644);
        file("var/lib/dpkg/status", "Package: foo\n", 0644);
        owners.set("/var/lib/dpkg/status", 0, 7);
        dir("var/opt/shipped", 0755);

        file("opt/app/bin", "#!/bin/sh\n", 0755);
        owners.set("/opt/app/bin", 5, 5);
        dir("home/user", 0700);
        owners.set("/home/user", 1000, 1000);
        file("root/.bashrc", "PS1=x\n", 0644);
        Files.setAttribute(root.resolve("root"), "unix:mode", 0700);
        dir("usr/local/bin", 0755);
        dir("media", 0755);

        file("boot/vmlinuz-" + KERNEL, "kernel", 0644);
        owners.set("/boot/vmlinuz-" + KERNEL, 0, 3);
        file("boot/initrd.img-" + KERNEL, "initrd", 0644);
        file("boot/config-" + KERNEL, "CONFIG_X=y", 0644);
        file("boot/System.map-" + KERNEL, "map", 0644);
        symlink("vmlinuz", "boot/vmlinuz-" + KERNEL);
        symlink("initrd.img", "boot/initrd.img-" + KERNEL);

        file("dev/null", "", 0644);
        file("run/lock/x", "", 0644);
        file("tmp/scratch", "", 0644);
    }

    private List<String> tmpfiles() throws IOException {
        return Files.readAllLines(root.resolve(OstreeLayout.TMPFILES));
    }

    private void assertLink(String link, String target) throws IOException {
        Path p = root.resolve(link);
        assertTrue(Files.isSymbolicLink(p), link + " is not a symlink");
        assertEquals(target, Files.readSymbolicLink(p).toString(), link);
    }

    private void assertOwner(int uid, int gid, String path) {
        assertArrayEquals(new int[] {uid, gid}, owners.owner(path), path);
    }

    @Test
    void etcMovesToUsrEtcWithItsOwners() throws IOException {
        OstreeLayout.apply(root, owners);
        assertFalse(Files.exists(root.resolve("etc"), LinkOption.NOFOLLOW_LINKS));
        assertEquals("debian\n", Files.readString(root.resolve("usr/etc/hostname")));
        assertOwner(0, 42, "/usr/etc/shadow");
        assertOwner(0, 0, "/etc/shadow");
    }

    @Test
    void bothEtcAndUsrEtcIsAnError() throws IOException {
        Files.createDirectories(root.resolve("usr/etc"));
        IOException e = assertThrows(IOException.class, () -> OstreeLayout.apply(root, owners));
        assertTrue(e.getMessage().contains("/usr/etc"), e.getMessage());
    }

    @Test
    void varBecomesTmpfilesLinesWithNumericOwnersAndIsEmptied() throws IOException {
        OstreeLayout.apply(root, owners);
        List<String> lines = tmpfiles();
        assertTrue(lines.get(0).startsWith("# "), lines.get(0));
        assertTrue(lines.contains("d /var/lib/foo 0750 100 101 -"), lines.toString());
        assertTrue(lines.contains("f /var/lib/foo/state 0600 100 101 -"), lines.toString());
        assertTrue(lines.contains("f /var/lib/foo/with\\x20space 0600 0 0 -"), lines.toString());
        assertTrue(lines.contains("L /var/run - - - - /run"), lines.toString());
        // A file with content is copied from the factory, then given its owner and mode.
        int c = lines.indexOf("C /var/lib/foo/data - - - - /usr/share/factory/var/lib/foo/data");
        assertTrue(c > 0, lines.toString());
        assertEquals("z /var/lib/foo/data 0640 100 101 -", lines.get(c + 1));
        assertEquals("content", Files.readString(root.resolve(OstreeLayout.FACTORY_VAR).resolve("lib/foo/data")));
        assertOwner(100, 101, "/usr/share/factory/var/lib/foo/data");
        // Logs of the compose itself are dropped.
        assertTrue(lines.stream().noneMatch(l -> l.contains("dpkg.log")), lines.toString());
        assertFalse(Files.exists(root.resolve(OstreeLayout.FACTORY_VAR).resolve("log/dpkg.log")));
        // Parents come before children, so systemd-tmpfiles creates them in order.
        assertTrue(lines.indexOf("d /var/lib/foo 0750 100 101 -") < lines.indexOf("f /var/lib/foo/state 0600 100 101 -"));

        try (var s = Files.list(root.resolve("var"))) {
            assertEquals(List.of(), s.toList());
        }
        assertOwner(0, 0, "/var/lib/foo");
        assertEquals(0644, (Integer) Files.getAttribute(root.resolve(OstreeLayout.TMPFILES), "unix:mode") & 07777);
    }

    @Test
    void dpkgDatabaseMovesToSysimageAndVarKeepsALinkToIt() throws IOException {
        OstreeLayout.apply(root, owners);
        assertEquals("Package: foo\n", Files.readString(root.resolve("usr/lib/sysimage/dpkg/status")));
        assertOwner(0, 7, "/usr/lib/sysimage/dpkg/status");
        assertTrue(tmpfiles().contains("L /var/lib/dpkg - - - - ../../usr/lib/sysimage/dpkg"), tmpfiles().toString());
    }

    @Test
    void stateDirectoriesBecomeSymlinksIntoVar() throws IOException {
        OstreeLayout.apply(root, owners);
        assertLink("home", "var/home");
        assertLink("opt", "var/opt");
        assertLink("srv", "var/srv");
        assertLink("mnt", "var/mnt");
        assertLink("root", "var/roothome");
        assertLink("usr/local", "../var/usrlocal");
        assertLink("media", "run/media");
        assertLink("ostree", "sysroot/ostree");
        List<String> lines = tmpfiles();
        assertTrue(lines.contains("d /var/home/user 0700 1000 1000 -"), lines.toString());
        assertTrue(lines.contains("d /var/roothome 0700 0 0 -"), lines.toString());
        assertTrue(lines.contains("C /var/roothome/.bashrc - - - - /usr/share/factory/var/roothome/.bashrc"), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("d /var/usrlocal/bin ")), lines.toString());
        // Directories that did not exist are still described, so the symlinks resolve after boot.
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("d /var/srv ")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("d /var/mnt ")), lines.toString());
    }

    @Test
    void optJoinsTheExistingVarOpt() throws IOException {
        OstreeLayout.apply(root, owners);
        List<String> lines = tmpfiles();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("d /var/opt/shipped ")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("d /var/opt/app ")), lines.toString());
        assertTrue(lines.contains("z /var/opt/app/bin 0755 5 5 -"), lines.toString());
        assertEquals("#!/bin/sh\n", Files.readString(root.resolve(OstreeLayout.FACTORY_VAR).resolve("opt/app/bin")));
    }

    @Test
    void kernelMovesToUsrLibModules() throws IOException {
        OstreeLayout.Result r = OstreeLayout.apply(root, owners);
        assertEquals(Optional.of(KERNEL), r.kernelVersion());
        Path modules = root.resolve("usr/lib/modules").resolve(KERNEL);
        assertEquals("kernel", Files.readString(modules.resolve("vmlinuz")));
        assertEquals("initrd", Files.readString(modules.resolve("initramfs.img")));
        assertEquals("CONFIG_X=y", Files.readString(modules.resolve("config")));
        assertEquals("map", Files.readString(modules.resolve("System.map")));
        assertOwner(0, 3, "/usr/lib/modules/" + KERNEL + "/vmlinuz");
        try (var s = Files.list(root.resolve("boot"))) {
            assertEquals(List.of(), s.toList());
        }
        // Debian's convenience links would dangle now.
        assertFalse(Files.exists(root.resolve("vmlinuz"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(root.resolve("initrd.img"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aKernelAlreadyInUsrLibModulesIsFound() throws IOException {
        OstreeLayout.emptyDirectory(root.resolve("boot"));
        file("usr/lib/modules/6.0.0/vmlinuz", "k", 0644);
        assertEquals(Optional.of("6.0.0"), OstreeLayout.apply(root, owners).kernelVersion());
    }

    @Test
    void noKernelNoVersion() throws IOException {
        OstreeLayout.emptyDirectory(root.resolve("boot"));
        assertEquals(Optional.empty(), OstreeLayout.apply(root, owners).kernelVersion());
    }

    @Test
    void theNewestKernelIsChosenByVersionOrder() throws IOException {
        OstreeLayout.emptyDirectory(root.resolve("boot"));
        file("boot/vmlinuz-6.9.0-1-amd64", "old", 0644);
        file("boot/vmlinuz-6.12.0-1-amd64", "new", 0644);
        assertEquals(Optional.of("6.12.0-1-amd64"), OstreeLayout.apply(root, owners).kernelVersion());
    }

    @Test
    void apiFilesystemsAreEmptiedAndTheMountPointsExist() throws IOException {
        OstreeLayout.apply(root, owners);
        for (String d : List.of("dev", "run", "tmp")) {
            try (var s = Files.list(root.resolve(d))) {
                assertEquals(List.of(), s.toList(), d);
            }
        }
        for (String d : List.of("dev", "proc", "sys", "run", "tmp", "var", "boot", "sysroot")) {
            assertTrue(Files.isDirectory(root.resolve(d), LinkOption.NOFOLLOW_LINKS), d);
        }
        assertEquals(0755, (Integer) Files.getAttribute(root.resolve("sysroot"), "unix:mode") & 07777);
    }

    @Test
    void aCreatedTmpIsStickyAndWorldWritable() throws IOException {
        OstreeLayout.emptyDirectory(root.resolve("tmp"));
        Files.delete(root.resolve("tmp"));
        OstreeLayout.apply(root, owners);
        assertEquals(01777, (Integer) Files.getAttribute(root.resolve("tmp"), "unix:mode") & 07777);
    }

    @Test
    void emptyDirectoryRemovesContentBelowUnwritableDirectories() throws IOException {
        file("x/locked/inner/f", "", 0644);
        // Read-only directories (as packages ship some): listable, but nothing below them can be deleted as is.
        Files.setAttribute(root.resolve("x/locked/inner"), "unix:mode", 0500);
        Files.setAttribute(root.resolve("x/locked"), "unix:mode", 0500);
        OstreeLayout.emptyDirectory(root.resolve("x"));
        try (var s = Files.list(root.resolve("x"))) {
            assertEquals(List.of(), s.toList());
        }
    }
}
