package org.aptostree.ostree.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.RepoMode;
import org.aptostree.ostree.repo.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bootc's lint rules on trees made to pass and to fail each, on disk and as a commit seen as its image shows it. */
class ImageLintTest {
    @TempDir
    Path dir;

    /** A tree every rule accepts. */
    private Path goodRoot() throws Exception {
        Path r = dir.resolve("good");
        for (String d : List.of("dev", "proc", "sys", "run", "tmp", "boot", "sysroot", "etc", "var/lib/app", "usr/lib/modules/6.1.0-1-amd64",
                "usr/lib/tmpfiles.d", "usr/lib/ostree")) {
            Files.createDirectories(r.resolve(d));
        }
        Files.createSymbolicLink(r.resolve("ostree"), Path.of("sysroot/ostree"));
        Files.createSymbolicLink(r.resolve("var/run"), Path.of("../run"));
        Files.writeString(r.resolve("usr/lib/modules/6.1.0-1-amd64/vmlinuz"), "kernel");
        Files.writeString(r.resolve("etc/hostname"), "host\n");
        Files.writeString(r.resolve("usr/lib/ostree/prepare-root.conf"), "[composefs]\nenabled = yes\n");
        Files.writeString(r.resolve("usr/lib/tmpfiles.d/var.conf"), "# made at boot\nL /var/run - - - - ../run\nd /var/lib 0755 - - -\n"
                + "d /var/lib/app 0755 root root -\n");
        return r;
    }

    private static Map<String, ImageLint.Finding> byName(ImageLint.Report r) {
        return r.findings().stream().collect(Collectors.toMap(ImageLint.Finding::lint, f -> f));
    }

    @Test
    void aTreeThatFollowsTheRulesPassesThemAll() throws Exception {
        ImageLint.Report r = ImageLint.lint(ImageLint.directory(goodRoot()), Optional.of(Map.of("containers.bootc", "1")), Set.of());
        assertEquals(List.of(), r.findings());
        assertEquals(13, r.passed());
    }

    @Test
    void eachFindingNamesItsPaths() throws Exception {
        Path r = goodRoot();
        Files.writeString(r.resolve("boot/vmlinuz-6.1.0-1-amd64"), "kernel in /boot");
        Files.createDirectories(r.resolve("var/log/apt"));
        Files.writeString(r.resolve("var/log/apt/history.log"), "Start-Date: ...\n");
        Files.createDirectories(r.resolve("var/lib/stray"));
        Files.createDirectories(r.resolve("var/cache"));
        Files.writeString(r.resolve("var/cache/blob"), "x");
        Files.writeString(r.resolve("tmp/junk"), "x");
        Files.createDirectories(r.resolve("usr/etc"));
        Files.delete(r.resolve("var/run"));
        Files.createDirectories(r.resolve("var/run"));
        Files.delete(r.resolve("dev"));
        Files.write(r.resolve("etc/resolv.conf"), new byte[0]);
        Files.writeString(r.resolve("usr/lib/ostree/prepare-root.conf"), "[composefs]\nenabled = no\n");

        ImageLint.Report report = ImageLint.lint(ImageLint.directory(r), Optional.of(Map.of()), Set.of());
        Map<String, ImageLint.Finding> f = byName(report);
        assertEquals(Set.of("api-base-directories", "baseimage-composefs", "bootable-labels", "buildah-injected", "etc-usretc", "nonempty-boot",
                "nonempty-run-tmp", "var-log", "var-run", "var-tmpfiles"), f.keySet());
        assertEquals("Missing API filesystem base directory: /dev", f.get("api-base-directories").message());
        assertTrue(f.get("nonempty-boot").message().contains("vmlinuz-6.1.0-1-amd64"));
        assertTrue(f.get("var-log").message().contains("/var/log/apt/history.log"));
        String tmpfiles = f.get("var-tmpfiles").message();
        assertTrue(tmpfiles.contains("/var/lib/stray") && tmpfiles.contains("/var/cache") && tmpfiles.contains("/var/log/apt"), tmpfiles);
        assertTrue(tmpfiles.contains("Found non-directory/non-symlink files in /var:\n  /var/cache/blob"), tmpfiles);
        assertFalse(tmpfiles.contains("/var/lib/app"), "declared in tmpfiles.d");
        assertTrue(f.get("nonempty-run-tmp").message().contains("/tmp/junk"));
        assertEquals("/etc/resolv.conf is an empty file; this may have been synthesized by a container runtime.", f.get("buildah-injected").message());
        assertEquals(ImageLint.Severity.FATAL, f.get("var-run").severity());
        assertEquals(ImageLint.Severity.WARNING, f.get("var-log").severity());
        assertEquals(4, report.fatal());
        assertEquals(6, report.warnings());
        assertTrue(f.get("var-run").toString().startsWith("Failed lint: var-run: "));
        assertTrue(f.get("var-log").toString().startsWith("Lint warning: var-log: "));

        ImageLint.Report skipped = ImageLint.lint(ImageLint.directory(r), Optional.empty(), Set.of("var-run", "var-log"));
        assertFalse(byName(skipped).containsKey("var-run"));
        assertFalse(byName(skipped).containsKey("bootable-labels"));
    }

    @Test
    void theKernelMustBeOneUnderUsrLibModules() throws Exception {
        Path r = goodRoot();
        Files.createDirectories(r.resolve("usr/lib/modules/6.2.0-1-amd64"));
        Files.writeString(r.resolve("usr/lib/modules/6.2.0-1-amd64/vmlinuz"), "another kernel");
        String two = byName(ImageLint.lint(ImageLint.directory(r), Optional.empty(), Set.of())).get("kernel").message();
        assertTrue(two.contains("/usr/lib/modules/6.1.0-1-amd64") && two.contains("/usr/lib/modules/6.2.0-1-amd64"), two);
        for (String k : List.of("6.1.0-1-amd64", "6.2.0-1-amd64")) {
            Files.delete(r.resolve("usr/lib/modules/" + k + "/vmlinuz"));
        }
        Files.writeString(r.resolve("boot/vmlinuz-6.1.0-1-amd64"), "kernel in /boot");
        String none = byName(ImageLint.lint(ImageLint.directory(r), Optional.empty(), Set.of())).get("kernel").message();
        assertEquals("No kernel found: expected /usr/lib/modules/$kver/vmlinuz (there is one in /boot, which is not used)", none);
    }

    @Test
    void aCommitIsCheckedAsTheImageShowsIt() throws Exception {
        Repository repo = Repository.init(dir.resolve("repo"), RepoMode.ARCHIVE);
        ObjectId commit = SampleCommits.commit(repo, "sample", 0, true);
        ImageLint.Rootfs view = ImageLint.commit(repo, commit);
        assertTrue(view.stat("etc/alpha.conf").isPresent(), "/usr/etc is /etc");
        assertTrue(view.stat("usr/etc").isEmpty());
        assertTrue(view.list("").stream().anyMatch(e -> e.name().equals("etc")));
        assertTrue(view.list("usr").stream().noneMatch(e -> e.name().equals("etc")));
        assertEquals("usr/bin", view.readLink("bin"));
        assertEquals("conf\n", new String(view.read("etc/alpha.conf", 100)));
        Map<String, ImageLint.Finding> f = byName(ImageLint.lint(view, Optional.of(Map.of("containers.bootc", "1")), Set.of()));
        assertFalse(f.containsKey("etc-usretc"));
        assertFalse(f.containsKey("bootable-labels"));
        assertEquals("Missing API filesystem base directory: /dev", f.get("api-base-directories").message());
        assertTrue(f.get("kernel").message().startsWith("No kernel found"));
    }
}
