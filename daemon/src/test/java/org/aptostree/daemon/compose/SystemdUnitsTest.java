package org.aptostree.daemon.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemdUnitsTest {

    @TempDir
    Path root;

    private void unit(String dir, String name, String text) throws IOException {
        Path p = Files.createDirectories(root.resolve(dir)).resolve(name);
        Files.writeString(p, text);
    }

    private void assertLink(String link, String target) throws IOException {
        Path p = root.resolve(link);
        assertTrue(Files.isSymbolicLink(p), link + " is not a symlink");
        assertEquals(target, Files.readSymbolicLink(p).toString(), link);
    }

    @Test
    void wantedByAndRequiredByBecomeSymlinksInTheTargetsDirectories() throws IOException {
        unit("usr/lib/systemd/system", "ssh.service", """
                [Unit]
                Description=OpenBSD Secure Shell server
                WantedBy=not-in-install.target

                [Service]
                ExecStart=/usr/sbin/sshd -D

                [Install]
                WantedBy=multi-user.target  graphical.target
                RequiredBy=network-online.target
                # WantedBy=commented.target
                ; WantedBy=also-commented.target
                """);
        SystemdUnits.enable(root, "ssh.service");
        assertLink("etc/systemd/system/multi-user.target.wants/ssh.service", "/usr/lib/systemd/system/ssh.service");
        assertLink("etc/systemd/system/graphical.target.wants/ssh.service", "/usr/lib/systemd/system/ssh.service");
        assertLink("etc/systemd/system/network-online.target.requires/ssh.service", "/usr/lib/systemd/system/ssh.service");
        assertFalse(Files.exists(root.resolve("etc/systemd/system/not-in-install.target.wants"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(root.resolve("etc/systemd/system/commented.target.wants"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(root.resolve("etc/systemd/system/also-commented.target.wants"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aliasBecomesASymlinkOfThatName() throws IOException {
        unit("lib/systemd/system", "ssh.service", "[Install]\nWantedBy=multi-user.target\nAlias=sshd.service\n");
        SystemdUnits.enable(root, "ssh.service");
        assertLink("etc/systemd/system/sshd.service", "/lib/systemd/system/ssh.service");
        assertLink("etc/systemd/system/multi-user.target.wants/ssh.service", "/lib/systemd/system/ssh.service");
    }

    @Test
    void alsoEnablesTheOtherUnitsAndAnAlsoCycleEnds() throws IOException {
        unit("usr/lib/systemd/system", "cups.service", "[Install]\nWantedBy=printer.target\nAlso=cups.socket cups.path\n");
        unit("usr/lib/systemd/system", "cups.socket", "[Install]\nWantedBy=sockets.target\nAlso=cups.service\n");
        unit("usr/lib/systemd/system", "cups.path", "[Install]\nWantedBy=multi-user.target\n");
        SystemdUnits.enable(root, "cups.service");
        assertLink("etc/systemd/system/printer.target.wants/cups.service", "/usr/lib/systemd/system/cups.service");
        assertLink("etc/systemd/system/sockets.target.wants/cups.socket", "/usr/lib/systemd/system/cups.socket");
        assertLink("etc/systemd/system/multi-user.target.wants/cups.path", "/usr/lib/systemd/system/cups.path");
    }

    @Test
    void aUnitInEtcWinsOverTheVendorOne() throws IOException {
        unit("usr/lib/systemd/system", "x.service", "[Install]\nWantedBy=vendor.target\n");
        unit("etc/systemd/system", "x.service", "[Install]\nWantedBy=local.target\n");
        SystemdUnits.enable(root, "x.service");
        assertLink("etc/systemd/system/local.target.wants/x.service", "/etc/systemd/system/x.service");
        assertFalse(Files.exists(root.resolve("etc/systemd/system/vendor.target.wants"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void enablingTwiceReplacesTheLinks() throws IOException {
        unit("usr/lib/systemd/system", "x.service", "[Install]\nWantedBy=multi-user.target\n");
        SystemdUnits.enable(root, "x.service");
        SystemdUnits.enable(root, "x.service");
        assertLink("etc/systemd/system/multi-user.target.wants/x.service", "/usr/lib/systemd/system/x.service");
    }

    @Test
    void missingUnitIsAnErrorNamingIt() {
        ComposeException e = assertThrows(ComposeException.class, () -> SystemdUnits.enable(root, "nope.service"));
        assertTrue(e.getMessage().contains("'nope.service'"), e.getMessage());
    }

    @Test
    void missingAlsoUnitIsAnErrorNamingIt() throws IOException {
        unit("usr/lib/systemd/system", "a.service", "[Install]\nAlso=b.service\n");
        ComposeException e = assertThrows(ComposeException.class, () -> SystemdUnits.enable(root, "a.service"));
        assertTrue(e.getMessage().contains("'b.service'"), e.getMessage());
    }

    @Test
    void unitWithoutInstallSectionIsAnError() throws IOException {
        unit("usr/lib/systemd/system", "static.service", "[Unit]\nDescription=static\n[Service]\nExecStart=/bin/true\n");
        unit("usr/lib/systemd/system", "empty-install.service", "[Install]\n# nothing\nDefaultInstance=x\n");
        for (String name : new String[] {"static.service", "empty-install.service"}) {
            ComposeException e = assertThrows(ComposeException.class, () -> SystemdUnits.enable(root, name));
            assertTrue(e.getMessage().contains(name + " has no [Install] section"), e.getMessage());
        }
    }

    @Test
    void anInstanceOfATemplateIsEnabledFromTheTemplate() throws IOException {
        unit("usr/lib/systemd/system", "getty@.service", "[Install]\nWantedBy=getty.target\nDefaultInstance=tty1\n");
        SystemdUnits.enable(root, "getty@tty2.service");
        assertLink("etc/systemd/system/getty.target.wants/getty@tty2.service", "/usr/lib/systemd/system/getty@.service");
    }

    @Test
    void aTemplateIsEnabledWithItsDefaultInstance() throws IOException {
        unit("usr/lib/systemd/system", "getty@.service", "[Install]\nWantedBy=getty.target\nDefaultInstance=tty1\n");
        SystemdUnits.enable(root, "getty@.service");
        assertLink("etc/systemd/system/getty.target.wants/getty@tty1.service", "/usr/lib/systemd/system/getty@.service");
    }
}
