package org.aptostree.daemon.service;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

import org.aptostree.daemon.system.AutomaticUpdateRun;
import org.aptostree.daemon.system.SystemRoot;
import org.aptostree.daemon.system.SystemStatus;
import org.aptostree.daemon.transaction.TransactionException;
import org.aptostree.ostree.sysroot.StagedDeployment;

/**
 * The status model as read-only methods and properties see it: read once and kept, so that they answer at once
 * and from a consistent state even while a transaction is writing a new deployment. It is read again after each
 * transaction, and, when none runs, whenever the sysroot's deployment list may have changed without the daemon
 * (a deployment directory, the boot loader link or the staged deployment changed: a few {@code lstat}s).
 */
final class StatusSnapshot {
    private final SystemRoot system;
    private SystemStatus status;
    private List<String> fingerprint = List.of();

    StatusSnapshot(SystemRoot system) {
        this.system = system;
    }

    /**
     * The status; read again first if the sysroot changed, unless {@code frozen} (a transaction is running, whose
     * half-written state must not be shown).
     */
    synchronized SystemStatus get(boolean frozen) throws TransactionException {
        if (status == null || !frozen && !fingerprint().equals(fingerprint)) {
            refresh();
        }
        return status;
    }

    /** Reads the status again now. */
    synchronized void refresh() throws TransactionException {
        List<String> before = fingerprint();
        status = SystemStatus.read(system);
        fingerprint = before;
    }

    private List<String> fingerprint() {
        List<String> out = new ArrayList<>();
        Path root = system.path();
        stamp(out, root.resolve("boot/loader"));
        stamp(out, root.resolve("ostree/boot.0"));
        stamp(out, root.resolve("ostree/boot.1"));
        stamp(out, StagedDeployment.runDir(root).resolve("staged-deployment"));
        stamp(out, root.resolve("etc/apt-ostree/apt-ostreed.conf"));
        try (DirectoryStream<Path> roots = Files.newDirectoryStream(root.resolve("ostree/deploy"))) {
            for (Path os : roots) {
                stamp(out, os.resolve("deploy"));
                stamp(out, AutomaticUpdateRun.file(system, os.getFileName().toString()));
            }
        } catch (IOException e) {
            out.add("no stateroots: " + e.getMessage());
        }
        return out;
    }

    private static void stamp(List<String> out, Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            out.add(p + " " + a.fileKey() + " " + a.lastModifiedTime().toInstant() + " " + a.size());
        } catch (NoSuchFileException e) {
            out.add(p + " absent");
        } catch (IOException e) {
            out.add(p + " " + e.getMessage());
        }
    }
}
