package org.aptostree.deb.dpkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.aptostree.deb.archive.DebReader;
import org.aptostree.deb.control.Deb822Reader;
import org.aptostree.deb.control.Paragraph;
import org.aptostree.testkit.DebianData;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unpacking the trixie minbase packages gives a database the real dpkg accepts and reproduces. */
class DpkgDatabaseTest {
    @TempDir
    Path tmp;

    static List<Path> pool() {
        return DebianData.minbase();
    }

    static String run(Path dir, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        return rc + "\n" + out;
    }

    /** Packages whose unpack by the real dpkg runs no maintainer script, so dpkg itself can be the oracle. */
    @Test
    void sameStatusAndInfoFilesAsDpkgUnpack() throws Exception {
        Requirements.tool("dpkg");
        List<Path> debs = new ArrayList<>();
        for (Path deb : pool()) {
            try (var in = Files.newInputStream(deb); DebReader r = DebReader.open(in)) {
                if (r.control().file("preinst").isEmpty()) {
                    debs.add(deb);
                }
            }
        }
        assertTrue(debs.size() > 30, "only " + debs.size());
        Path theirs = tmp.resolve("dpkg");
        Files.createDirectories(theirs.resolve("var/lib/dpkg/info"));
        Files.createDirectories(theirs.resolve("var/lib/dpkg/updates"));
        Files.writeString(theirs.resolve("var/lib/dpkg/status"), "");
        List<String> cmd = new ArrayList<>(List.of("dpkg", "--root=" + theirs, "--force-all", "--unpack"));
        debs.forEach(d -> cmd.add(d.toString()));
        String out = run(tmp, cmd.toArray(String[]::new));
        assertTrue(out.startsWith("0\n"), out);

        Path ours = tmp.resolve("ours");
        DpkgDatabase db = DpkgDatabase.create(ours, true);
        for (Path d : debs) {
            db.unpack(d);
        }
        db.write();
        assertEquals(stanzas(theirs), stanzas(ours));
        for (Path f : Files.list(theirs.resolve("var/lib/dpkg/info")).sorted().toList()) {
            Path mine = ours.resolve("var/lib/dpkg/info").resolve(f.getFileName());
            assertTrue(Files.exists(mine), "missing " + f.getFileName());
            assertEquals(Files.readString(f), Files.readString(mine), f.getFileName().toString());
            assertEquals(Files.getAttribute(f, "unix:mode"), Files.getAttribute(mine, "unix:mode"), f.getFileName().toString());
        }
        assertEquals(Files.list(theirs.resolve("var/lib/dpkg/info")).count(), Files.list(ours.resolve("var/lib/dpkg/info")).count());
        // The unpacked files themselves: type, mode, owner, content, link target, file mtime.
        assertEquals(tree(theirs), tree(ours));
        Path file = theirs.resolve("var/lib/dpkg/triggers/File");
        if (Files.exists(file)) {
            assertEquals(Files.readString(file), Files.readString(ours.resolve("var/lib/dpkg/triggers/File")));
        }
    }

    /** A file diverted (here locally) before the unpack lands at the diverted path, as dpkg puts it. */
    @Test
    void diversionsAreRespected() throws Exception {
        Path deb = pool().stream().filter(p -> p.getFileName().toString().startsWith("libacl1_")).findFirst().orElseThrow();
        Path root = tmp.resolve("diverted");
        Files.createDirectories(root.resolve("var/lib/dpkg"));
        Files.writeString(root.resolve("var/lib/dpkg/diversions"),
                "/usr/share/doc/libacl1/copyright\n/usr/share/doc/libacl1/copyright.distrib\n:\n");
        DpkgDatabase db = DpkgDatabase.create(root, true);
        db.unpack(deb);
        db.write();
        assertTrue(Files.isRegularFile(root.resolve("usr/share/doc/libacl1/copyright.distrib")));
        assertTrue(Files.notExists(root.resolve("usr/share/doc/libacl1/copyright")));
        assertTrue(Files.readString(root.resolve("var/lib/dpkg/info/libacl1:amd64.list")).contains("/usr/share/doc/libacl1/copyright\n"));
        Requirements.tool("dpkg");
        String verify = run(tmp, "dpkg", "--root=" + root, "--verify", "libacl1");
        assertEquals("0\n", verify, verify);
    }

    private static List<String> tree(Path root) throws Exception {
        List<String> out = new ArrayList<>();
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted().toList()) {
                String rel = root.relativize(p).toString();
                if (rel.startsWith("var/lib/dpkg")) {
                    continue;
                }
                java.nio.file.LinkOption nf = java.nio.file.LinkOption.NOFOLLOW_LINKS;
                String owner = Files.getAttribute(p, "unix:uid", nf) + ":" + Files.getAttribute(p, "unix:gid", nf);
                int mode = (Integer) Files.getAttribute(p, "unix:mode", nf) & 07777;
                if (Files.isSymbolicLink(p)) {
                    out.add(rel + " l " + owner + " -> " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, nf)) {
                    out.add(rel + " d " + owner + " " + Integer.toOctalString(mode));
                } else {
                    out.add(rel + " f " + owner + " " + Integer.toOctalString(mode) + " "
                            + Files.getLastModifiedTime(p, nf).toMillis() / 1000 + " "
                            + java.util.HexFormat.of().formatHex(sha.digest(Files.readAllBytes(p))));
                }
            }
        }
        return out;
    }

    private static List<String> stanzas(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        for (Paragraph p : Deb822Reader.parseAll(Files.readString(root.resolve("var/lib/dpkg/status")))) {
            out.add(p.toString());
        }
        out.sort(null);
        return out;
    }

    /**
     * All minbase packages: the target's dpkg lists, audits and verifies the unpacked result, then
     * configures it (maintainer scripts run chrooted, hence root is needed for that part).
     */
    @Test
    void targetDpkgAcceptsAndConfiguresTheDatabase() throws Exception {
        Requirements.tool("dpkg");
        Path root = tmp.resolve("root");
        DpkgDatabase db = DpkgDatabase.create(root, true);
        for (Path d : pool()) {
            db.unpack(d);
        }
        db.write();
        String unpacked = run(tmp, "dpkg", "--root=" + root, "-l");
        assertTrue(unpacked.startsWith("0\n"), unpacked);
        assertEquals(pool().size(), unpacked.lines().filter(l -> l.startsWith("iU ")).count(), unpacked);
        // Every file matches its md5sums; only conffiles are reported, because until configured they
        // wait as PATH.dpkg-new (dpkg reports the same after its own --unpack).
        String verifyUnpacked = run(tmp, "dpkg", "--root=" + root, "--verify");
        assertTrue(verifyUnpacked.startsWith("0\n"), verifyUnpacked);
        assertEquals(List.of(), verifyUnpacked.lines().skip(1).filter(l -> !l.startsWith("missing   c /etc/")).toList());
        String auditUnpacked = run(tmp, "dpkg", "--root=" + root, "--audit");
        assertTrue(auditUnpacked.contains("unpacked but not yet configured"), auditUnpacked);

        Requirements.root(); // for chroot
        Requirements.tool("chroot");
        // Maintainer scripts are not run by unpack(); a bootstrap runs the preinst scripts as dpkg
        // --unpack would have, base-passwd's first (it creates /etc/passwd, which later scripts need),
        // as debootstrap and mmdebstrap order their essential set.
        List<Path> preinsts = new ArrayList<>(Files.list(root.resolve("var/lib/dpkg/info"))
                .filter(p -> p.toString().endsWith(".preinst")).sorted().toList());
        preinsts.sort(java.util.Comparator.comparing(p -> !p.getFileName().toString().startsWith("base-passwd.")));
        for (Path preinst : preinsts) {
            String info = preinst.getFileName().toString().replace(".preinst", "");
            String pkg = info.contains(":") ? info.substring(0, info.indexOf(':')) : info;
            String arch = db.status().stream().filter(p -> pkg.equals(p.valueOrNull("Package")))
                    .map(p -> p.valueOrNull("Architecture")).findFirst().orElse("all");
            ProcessBuilder pb = new ProcessBuilder("chroot", root.toString(), "/" + root.relativize(preinst), "install")
                    .redirectErrorStream(true);
            pb.environment().putAll(DpkgDatabase.maintainerScriptEnvironment(pkg, arch, "preinst"));
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), preinst + ": " + out);
        }
        String configure = run(tmp, "dpkg", "--root=" + root, "--force-depends", "--configure", "-a");
        assertTrue(configure.startsWith("0\n"), configure);
        String list = run(tmp, "dpkg", "--root=" + root, "-l");
        assertEquals(pool().size(), list.lines().filter(l -> l.startsWith("ii ")).count(), list);
        String audit = run(tmp, "dpkg", "--root=" + root, "--audit");
        assertEquals("0\n", audit, audit);
        String verify = run(tmp, "dpkg", "--root=" + root, "--verify");
        assertTrue(verify.startsWith("0\n"), verify);
    }
}
