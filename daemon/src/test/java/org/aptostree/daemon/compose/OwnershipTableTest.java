package org.aptostree.daemon.compose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class OwnershipTableTest {

    @TempDir
    Path root;

    private void assertOwner(OwnershipTable t, int uid, int gid, String path) {
        assertArrayEquals(new int[] {uid, gid}, t.owner(path), path);
    }

    @Test
    void unknownPathBelongsToRoot() {
        assertOwner(new OwnershipTable(), 0, 0, "/anything");
    }

    @Test
    void setToRootRemovesTheEntry() {
        OwnershipTable t = new OwnershipTable();
        t.set("/a", 5, 6);
        assertOwner(t, 5, 6, "/a");
        t.set("/a", 0, 0);
        assertOwner(t, 0, 0, "/a");
        // uid 0 with another group is kept.
        t.set("/b", 0, 42);
        assertOwner(t, 0, 42, "/b");
    }

    @Test
    void moveRenamesThePathAndEverythingBelowButNotSiblingsWithTheSamePrefix() {
        OwnershipTable t = new OwnershipTable();
        t.set("/etc", 1, 1);
        t.set("/etc/shadow", 0, 42);
        t.set("/etc/ssl/private", 0, 109);
        t.set("/etcetera", 7, 7);
        t.move("/etc", "/usr/etc");
        assertOwner(t, 1, 1, "/usr/etc");
        assertOwner(t, 0, 42, "/usr/etc/shadow");
        assertOwner(t, 0, 109, "/usr/etc/ssl/private");
        assertOwner(t, 0, 0, "/etc/shadow");
        assertOwner(t, 7, 7, "/etcetera");
    }

    @Test
    void forgetDropsThePathAndEverythingBelowIt() {
        OwnershipTable t = new OwnershipTable();
        t.set("/var", 1, 1);
        t.set("/var/lib/x", 2, 2);
        t.set("/var/cache", 3, 3);
        t.set("/usr/x", 4, 4);
        t.set("/variable", 5, 5);
        t.forget("/var");
        assertOwner(t, 0, 0, "/var");
        assertOwner(t, 5, 5, "/variable");
        assertOwner(t, 0, 0, "/var/lib/x");
        assertOwner(t, 0, 0, "/var/cache");
        assertOwner(t, 4, 4, "/usr/x");
    }

    @Property(tries = 200)
    void moveKeepsOwnersAndOnlyRenamesTheSubtree(@ForAll("paths") List<String> paths, @ForAll("paths") List<String> from) {
        OwnershipTable t = new OwnershipTable();
        Map<String, int[]> expected = new HashMap<>();
        int n = 1;
        for (String p : paths) {
            t.set(p, n, n + 1);
            expected.put(p, new int[] {n, n + 1});
            n++;
        }
        String source = from.isEmpty() ? "/a" : from.get(0);
        String target = "/moved" + source;
        t.move(source, target);
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            String p = e.getKey();
            boolean below = p.equals(source) || p.startsWith(source + "/");
            String now = below ? target + p.substring(source.length()) : p;
            assertArrayEquals(e.getValue(), t.owner(now), p + " -> " + now);
            if (below) {
                assertOwner(t, 0, 0, p);
            }
        }
    }

    @Provide
    Arbitrary<List<String>> paths() {
        // Few distinct components, so prefixes and same-prefix siblings ("a" / "ab") are common.
        Arbitrary<String> component = Arbitraries.of("a", "ab", "b", "a.d", "c");
        return component.list().ofMinSize(1).ofMaxSize(4).map(c -> "/" + String.join("/", c)).list().uniqueElements().ofMaxSize(12);
    }

    @Test
    void accountsReadPasswdAndGroupSkippingCommentsAndShortLines() throws IOException {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "# comment\n\nroot:x:0:0::/root:/bin/sh\nbroken:x\n_apt:x:42:65534::/nonexistent:/usr/sbin/nologin\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\nshort\n");
        OwnershipTable.Accounts a = OwnershipTable.Accounts.of(root);
        assertEquals(42, a.uid("_apt"));
        assertEquals(65534, a.loginGroup("_apt"));
        assertEquals(65534, a.gid("nogroup"));
        assertEquals(-1, a.uid("broken"));
        assertEquals(-1, a.uid("nobody"));
        assertEquals(-1, a.gid("short"));
        assertEquals(-1, a.loginGroup("nobody"));
        assertEquals(123, a.uid("123"));
        assertEquals(123, a.uid("#123"));
        assertEquals(77, a.gid("#77"));
    }

    @Test
    void accountsOfATreeWithoutEtcAreEmpty() throws IOException {
        OwnershipTable.Accounts a = OwnershipTable.Accounts.of(root);
        assertEquals(-1, a.uid("root"));
        assertEquals(0, a.uid("0"));
    }

    @Test
    void statOverridesSetOwnersInTheTableAndModesOnDisk() throws IOException {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\nmessagebus:x:100:101::/:/bin/false\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\nshadow:x:42:\nmessagebus:x:101:\n");
        Path chage = Files.createDirectories(root.resolve("usr/bin")).resolve("chage");
        Files.writeString(chage, "");
        Path helper = Files.createDirectories(root.resolve("usr/lib/dbus-1.0")).resolve("dbus-daemon-launch-helper");
        Files.writeString(helper, "");
        Path link = root.resolve("usr/bin/link");
        Files.createSymbolicLink(link, Path.of("chage"));
        Path file = root.resolve("statoverride");
        Files.writeString(file, """
                root shadow 2755 /usr/bin/chage

                root messagebus 4754 /usr/lib/dbus-1.0/dbus-daemon-launch-helper
                messagebus messagebus 0700 /usr/bin/link
                root root 0644 /usr/bin/absent
                """);
        OwnershipTable t = new OwnershipTable();
        t.applyStatOverrides(root, file, OwnershipTable.Accounts.of(root));
        assertOwner(t, 0, 42, "/usr/bin/chage");
        assertOwner(t, 0, 101, "/usr/lib/dbus-1.0/dbus-daemon-launch-helper");
        assertOwner(t, 100, 101, "/usr/bin/link");
        assertOwner(t, 0, 0, "/usr/bin/absent");
        assertEquals(02755, mode(chage));
        assertEquals(04754, mode(helper));
        // A symlink's override sets its owner only; the mode of its target is left alone.
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(02755, mode(chage));
        assertTrue(!Files.exists(root.resolve("usr/bin/absent")));
    }

    @Test
    void missingStatOverrideFileChangesNothing() throws IOException {
        OwnershipTable t = new OwnershipTable();
        t.applyStatOverrides(root, root.resolve("none"), OwnershipTable.Accounts.of(root));
        assertOwner(t, 0, 0, "/");
    }

    @Test
    void statOverrideErrorsNameFileAndLine() throws IOException {
        Path file = root.resolve("statoverride");
        for (String bad : List.of("root root 0755", "ghost root 0755 /x", "root ghosts 0755 /x")) {
            Files.writeString(file, "\n" + bad + "\n");
            IOException e = assertThrows(IOException.class,
                    () -> new OwnershipTable().applyStatOverrides(root, file, OwnershipTable.Accounts.of(root)));
            assertTrue(e.getMessage().startsWith(file + ":2: "), e.getMessage());
        }
    }

    @Test
    void walkListsEverythingBelowWithoutFollowingSymlinks() throws IOException {
        Files.createDirectories(root.resolve("d/e"));
        Files.writeString(root.resolve("d/e/f"), "");
        Files.createSymbolicLink(root.resolve("d/l"), root.resolve("d/e"));
        assertEquals(Set.of("/d", "/d/e", "/d/e/f", "/d/l"), Set.copyOf(OwnershipTable.walk(root, root.resolve("d"))));
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }
}
