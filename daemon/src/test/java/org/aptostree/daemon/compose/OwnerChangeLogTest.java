package org.aptostree.daemon.compose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log is produced by running {@link OwnerChangeLog#RECORDER} itself with /bin/sh (its log path redirected
 * into the test directory), so the test covers the recorder's output format as well as the replay. The
 * recorder logs {@code $PWD}, so the working directories used are host directories that also exist in the
 * test tree ("/" and "/usr"): the recorded path is then a valid path in the tree.
 */
class OwnerChangeLogTest {

    @TempDir
    Path dir;

    private Path root;
    private Path bin;
    private Path log;
    private final OwnershipTable table = new OwnershipTable();

    @BeforeEach
    void tree() throws IOException {
        root = Files.createDirectories(dir.resolve("root"));
        bin = Files.createDirectories(dir.resolve("bin"));
        log = dir.resolve("owner-changes");
        for (String name : List.of("chown", "chgrp")) {
            Path recorder = bin.resolve(name);
            Files.writeString(recorder, OwnerChangeLog.RECORDER.replace(OwnerChangeLog.LOG, log.toString()));
            Files.setPosixFilePermissions(recorder, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        write("etc/passwd", """
                root:x:0:0:root:/root:/bin/bash
                daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
                # a comment line
                messagebus:x:100:101::/nonexistent:/usr/sbin/nologin
                postgres:x:105:110:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash
                """);
        write("etc/group", """
                root:x:0:
                daemon:x:1:
                shadow:x:42:
                messagebus:x:101:
                ssl-cert:x:109:postgres
                postgres:x:110:
                """);
    }

    private Path write(String path, String text) throws IOException {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private Path mkdirs(String path) throws IOException {
        return Files.createDirectories(root.resolve(path));
    }

    private void symlink(String path, String target) throws IOException {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.createSymbolicLink(p, Path.of(target));
    }

    /** Runs the recorder as {@code command} (it logs its own name) from {@code cwd}, as package {@code pkg}'s script. */
    private void record(String command, String cwd, String pkg, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", bin.resolve(command).toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(new File(cwd)).redirectErrorStream(true);
        pb.environment().put("PWD", cwd);
        pb.environment().remove("DPKG_MAINTSCRIPT_PACKAGE");
        if (pkg != null) {
            pb.environment().put("DPKG_MAINTSCRIPT_PACKAGE", pkg);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }

    private void chown(String... args) throws IOException, InterruptedException {
        record("chown", "/", "testpkg", args);
    }

    private void apply() throws IOException {
        OwnerChangeLog.apply(log, root, table);
    }

    private void assertOwner(int uid, int gid, String path) {
        assertArrayEquals(new int[] {uid, gid}, table.owner(path), path);
    }

    @Test
    void recorderWritesNulTerminatedFieldsWithTheArgumentCount() throws Exception {
        record("chown", "/", "dbus", "messagebus:messagebus", "/run/dbus");
        record("chgrp", "/usr", null, "-R", "shadow", "a b");
        assertEquals("chown\u0000/\u0000dbus\u00002\u0000messagebus:messagebus\u0000/run/dbus\u0000"
                + "chgrp\u0000/usr\u0000\u00003\u0000-R\u0000shadow\u0000a b\u0000",
                Files.readString(log));
    }

    @Test
    void missingLogChangesNothing() throws IOException {
        apply();
        assertOwner(0, 0, "/etc/passwd");
    }

    @Test
    void userAndGroupByName() throws Exception {
        write("etc/ssl/private/key.pem", "k");
        chown("postgres:ssl-cert", "/etc/ssl/private/key.pem");
        apply();
        assertOwner(105, 109, "/etc/ssl/private/key.pem");
    }

    @Test
    void userWithColonTakesTheLoginGroup() throws Exception {
        mkdirs("var/lib/postgresql");
        chown("postgres:", "/var/lib/postgresql");
        apply();
        assertOwner(105, 110, "/var/lib/postgresql");
    }

    @Test
    void colonGroupKeepsTheUser() throws Exception {
        write("etc/shadow", "");
        table.set("/etc/shadow", 7, 7);
        chown(":shadow", "/etc/shadow");
        apply();
        assertOwner(7, 42, "/etc/shadow");
    }

    @Test
    void userAloneKeepsTheGroup() throws Exception {
        write("srv/file", "");
        table.set("/srv/file", 7, 8);
        chown("daemon", "/srv/file");
        apply();
        assertOwner(1, 8, "/srv/file");
    }

    @Test
    void numericIdsNeedNoAccounts() throws Exception {
        write("srv/file", "");
        write("srv/other", "");
        chown("1234:5678", "/srv/file");
        chown("4321", "/srv/other");
        apply();
        assertOwner(1234, 5678, "/srv/file");
        assertOwner(4321, 0, "/srv/other");
    }

    @Test
    void dotSeparatesUserAndGroupInTheOldSyntax() throws Exception {
        mkdirs("run/dbus");
        chown("messagebus.messagebus", "/run/dbus");
        apply();
        assertOwner(100, 101, "/run/dbus");
    }

    @Test
    void severalOperandsAndCallsApplyInOrder() throws Exception {
        write("a", "");
        write("b", "");
        chown("daemon:daemon", "/a", "/b");
        chown("postgres", "/b");
        apply();
        assertOwner(1, 1, "/a");
        assertOwner(105, 1, "/b");
    }

    @Test
    void chownToRootRootIsRecordedAsNoEntry() throws Exception {
        write("a", "");
        table.set("/a", 5, 5);
        chown("root:root", "/a");
        apply();
        assertOwner(0, 0, "/a");
    }

    @Test
    void recursiveChangesEverythingBelow() throws Exception {
        write("var/lib/postgresql/15/main/PG_VERSION", "15");
        mkdirs("var/lib/postgresql/15/main/base");
        symlink("var/lib/postgresql/15/main/link", "/etc/passwd");
        write("var/lib/sibling", "");
        chown("-R", "postgres:postgres", "/var/lib/postgresql");
        apply();
        for (String p : List.of("/var/lib/postgresql", "/var/lib/postgresql/15", "/var/lib/postgresql/15/main/PG_VERSION",
                "/var/lib/postgresql/15/main/base", "/var/lib/postgresql/15/main/link")) {
            assertOwner(105, 110, p);
        }
        // Symlinks met in the walk are not followed (GNU chown -R's default -P).
        assertOwner(0, 0, "/etc/passwd");
        assertOwner(0, 0, "/var/lib/sibling");
    }

    @Test
    void longOptionsAndCombinedShortOptions() throws Exception {
        write("d/f", "");
        symlink("d/l", "f");
        chown("--recursive", "--verbose", "daemon", "/d");
        apply();
        assertOwner(1, 0, "/d/f");
        chown("-Rhv", "postgres", "/d");
        apply();
        assertOwner(105, 0, "/d/l");
    }

    @Test
    void noDereferenceChangesTheSymlinkItself() throws Exception {
        write("usr/lib/real", "");
        symlink("etc/link", "../usr/lib/real");
        chown("-h", "daemon:daemon", "/etc/link");
        record("chown", "/", "testpkg", "--no-dereference", "postgres", "/etc/link");
        apply();
        assertOwner(105, 1, "/etc/link");
        assertOwner(0, 0, "/usr/lib/real");
    }

    @Test
    void aSymlinkOperandIsFollowedByDefault() throws Exception {
        write("usr/lib/real", "");
        symlink("etc/link", "../usr/lib/real");
        chown("daemon:daemon", "/etc/link");
        apply();
        assertOwner(1, 1, "/usr/lib/real");
        assertOwner(0, 0, "/etc/link");
    }

    @Test
    void anAbsoluteSymlinkIsResolvedInsideTheRoot() throws Exception {
        write("usr/lib/real", "");
        symlink("etc/alternatives/thing", "/usr/lib/real");
        symlink("usr/bin/thing", "/etc/alternatives/thing");
        chown("daemon:shadow", "/usr/bin/thing");
        apply();
        assertOwner(1, 42, "/usr/lib/real");
    }

    @Test
    void aSymlinkClimbingAboveTheRootStaysInsideIt() throws Exception {
        write("srv/target", "");
        symlink("data/escape", "../../../../../../../../srv/target");
        symlink("data/absolute-escape", "/../../srv/target");
        assertEquals("/srv/target", OwnerChangeLog.resolveInRoot(root, "/data/escape", "test"));
        assertEquals("/srv/target", OwnerChangeLog.resolveInRoot(root, "/data/absolute-escape", "test"));
        chown("daemon", "/data/escape");
        apply();
        assertOwner(1, 0, "/srv/target");
    }

    @Test
    void resolveInRootFollowsDirectorySymlinksInTheMiddleOfAPath() throws IOException {
        mkdirs("usr/share/real");
        symlink("opt/app", "/usr/share/real");
        symlink("usr/share/real/current", "../real");
        assertEquals("/usr/share/real/x", OwnerChangeLog.resolveInRoot(root, "/opt/app/current/./x", "test"));
        assertEquals("/usr/share/x", OwnerChangeLog.resolveInRoot(root, "/opt/app/../x", "test"));
    }

    @Test
    void symlinkLoopIsAnErrorNamingThePackage() throws Exception {
        symlink("a", "b");
        symlink("b", "/a");
        record("chown", "/", "looper", "daemon", "/a");
        IOException e = assertThrows(IOException.class, this::apply);
        assertTrue(e.getMessage().contains("looper"), e.getMessage());
        assertTrue(e.getMessage().contains("too many levels of symbolic links"), e.getMessage());
    }

    @Test
    void referenceCopiesOwnerAndGroup() throws Exception {
        write("etc/ref", "");
        write("etc/new", "");
        table.set("/etc/ref", 105, 42);
        chown("--reference=/etc/ref", "/etc/new");
        record("chgrp", "/", "testpkg", "--reference=/etc/ref", "/etc/passwd");
        apply();
        assertOwner(105, 42, "/etc/new");
        // chgrp --reference takes only the group.
        assertOwner(0, 42, "/etc/passwd");
    }

    @Test
    void chgrpChangesOnlyTheGroup() throws Exception {
        write("etc/shadow", "");
        table.set("/etc/shadow", 3, 3);
        record("chgrp", "/", "passwd", "shadow", "/etc/shadow");
        record("chgrp", "/", "passwd", "5000", "/etc/passwd");
        apply();
        assertOwner(3, 42, "/etc/shadow");
        assertOwner(0, 5000, "/etc/passwd");
    }

    @Test
    void relativePathsAreRelativeToTheScriptsWorkingDirectory() throws Exception {
        write("usr/share/thing", "");
        record("chown", "/usr", "testpkg", "daemon", "share/thing", "./share/../share/thing");
        apply();
        assertOwner(1, 0, "/usr/share/thing");
    }

    @Test
    void doubleDashEndsOptions() throws Exception {
        write("-weird", "");
        chown("--", "daemon", "-weird");
        apply();
        assertOwner(1, 0, "/-weird");
    }

    @Test
    void fileThatNoLongerExistsIsSkipped() throws Exception {
        chown("daemon", "/gone.tmp");
        apply();
        assertOwner(0, 0, "/gone.tmp");
    }

    @Test
    void unknownUserIsAnErrorNamingThePackageAndUser() throws Exception {
        write("f", "");
        record("chown", "/", "mysql-server", "mysql:mysql", "/f");
        IOException e = assertThrows(IOException.class, this::apply);
        assertTrue(e.getMessage().contains("maintainer script of mysql-server"), e.getMessage());
        assertTrue(e.getMessage().contains("invalid user: 'mysql'"), e.getMessage());
    }

    @Test
    void unknownGroupIsAnErrorNamingThePackageAndGroup() throws Exception {
        write("f", "");
        record("chgrp", "/", "sshd", "ssh", "/f");
        IOException e = assertThrows(IOException.class, this::apply);
        assertTrue(e.getMessage().contains("maintainer script of sshd"), e.getMessage());
        assertTrue(e.getMessage().contains("invalid group: 'ssh'"), e.getMessage());
    }

    @Test
    void callWithoutPackageSaysSo() throws Exception {
        write("f", "");
        record("chown", "/", null, "nobody-here", "/f");
        IOException e = assertThrows(IOException.class, this::apply);
        assertTrue(e.getMessage().contains("an unknown package"), e.getMessage());
    }

    @Test
    void unsupportedOptionIsAnError() throws Exception {
        write("f", "");
        record("chown", "/", "pkg", "--from=root", "daemon", "/f");
        IOException e = assertThrows(IOException.class, this::apply);
        assertTrue(e.getMessage().contains("--from=root"), e.getMessage());
        assertTrue(e.getMessage().contains("pkg"), e.getMessage());
    }

    @Test
    void missingOperandIsAnError() throws Exception {
        record("chown", "/", "pkg", "-R");
        assertThrows(IOException.class, this::apply);
    }

    @Test
    void aPathThroughAnAbsoluteDirectorySymlinkIsResolvedInsideTheRoot() throws Exception {
        write("srv/aptostree-test-data/file", "");
        symlink("link", "/srv/aptostree-test-data");
        chown("daemon:daemon", "/link/file");
        apply();
        assertOwner(1, 1, "/srv/aptostree-test-data/file");
    }

    @Test
    void recursiveOnASymlinkChangesOnlyTheLink() throws Exception {
        write("usr/share/data/f", "");
        symlink("var/data", "/usr/share/data");
        chown("-R", "daemon", "/var/data");
        apply();
        assertOwner(1, 0, "/var/data");
        assertOwner(0, 0, "/usr/share/data");
        assertOwner(0, 0, "/usr/share/data/f");
    }

    @Test
    void anEmptyArgumentDoesNotCorruptTheFollowingCalls() throws Exception {
        write("f", "");
        write("g", "");
        chown("daemon:", "", "/f");
        chown("postgres:postgres", "/g");
        apply();
        assertOwner(1, 1, "/f");
        assertOwner(105, 110, "/g");
    }

    @Test
    void badNumericIdIsAnErrorNamingThePackage() throws Exception {
        write("f", "");
        record("chown", "/", "bignum", "99999999999", "/f");
        IOException e = assertThrows(IOException.class, this::apply);
        assertTrue(e.getMessage().contains("bignum"), e.getMessage());
    }
}
