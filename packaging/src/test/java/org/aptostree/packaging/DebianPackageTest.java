package org.aptostree.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The .deb as dpkg-deb and lintian read it: its control data, its files and their modes, lintian's verdict. */
class DebianPackageTest {
    /** The files the package must hold (issue 15's list, in the design note's layout), with their modes. */
    static final Map<String, String> REQUIRED = new LinkedHashMap<>();

    static {
        REQUIRED.put("/usr/bin/apt-ostree", "-rwxr-xr-x");
        REQUIRED.put("/usr/libexec/apt-ostreed", "-rwxr-xr-x");
        REQUIRED.put("/usr/lib/apt-ostree/jvm-options.sh", "-rw-r--r--");
        REQUIRED.put("/usr/share/apt-ostree/cli.jar", "-rw-r--r--");
        REQUIRED.put("/usr/share/apt-ostree/daemon.jar", "-rw-r--r--");
        for (String unit : List.of("apt-ostreed.service", "apt-ostreed-automatic.service", "apt-ostreed-automatic.timer",
                "apt-ostree-bootstatus.service", "apt-ostree-finalize-staged.service", "apt-ostree-finalize-staged.path")) {
            REQUIRED.put("/usr/lib/systemd/system/" + unit, "-rw-r--r--");
        }
        REQUIRED.put("/usr/share/dbus-1/system-services/org.aptostree.dev.service", "-rw-r--r--");
        REQUIRED.put("/usr/share/dbus-1/system.d/org.aptostree.dev.conf", "-rw-r--r--");
        REQUIRED.put("/usr/share/dbus-1/interfaces/org.aptostree.dev.xml", "-rw-r--r--");
        REQUIRED.put("/usr/share/polkit-1/actions/org.aptostree.dev.policy", "-rw-r--r--");
        REQUIRED.put("/etc/apt-ostree/apt-ostreed.conf", "-rw-r--r--");
        REQUIRED.put("/usr/share/man/man8/apt-ostree.8.gz", "-rw-r--r--");
        REQUIRED.put("/usr/share/man/man8/apt-ostreed.8.gz", "-rw-r--r--");
        REQUIRED.put("/usr/share/man/man5/apt-ostreed.conf.5.gz", "-rw-r--r--");
        REQUIRED.put("/usr/share/bash-completion/completions/apt-ostree", "-rw-r--r--");
        REQUIRED.put("/usr/share/doc/apt-ostree/copyright", "-rw-r--r--");
        REQUIRED.put("/usr/share/doc/apt-ostree/changelog.gz", "-rw-r--r--");
    }

    /** The daemon's own files, which the package takes from daemon/src/main/dist as they are. */
    static final List<String> FROM_DAEMON = List.of("/usr/share/dbus-1/system.d/org.aptostree.dev.conf",
            "/usr/share/dbus-1/interfaces/org.aptostree.dev.xml", "/usr/share/polkit-1/actions/org.aptostree.dev.policy");

    @Test
    void controlDataNamesTheDependenciesOfBookwormAndTrixie() throws Exception {
        Commands.require(List.of("dpkg-deb"), false);
        assertEquals("apt-ostree", BuiltPackage.field("Package"));
        assertEquals("all", BuiltPackage.field("Architecture"));
        assertEquals(PackageFiles.debianVersion(System.getProperty("aptostree.deb.version", "")), BuiltPackage.field("Version"));
        // The file name apt and the README use.
        assertEquals("apt-ostree_" + BuiltPackage.field("Version") + "_all.deb", BuiltPackage.deb().getFileName().toString());
        // Names that both suites have (checked against their Packages indexes by the install tests, which resolve them).
        assertEquals("default-jre-headless (>= 2:1.17) | java17-runtime-headless, bubblewrap, dbus | dbus-system-bus, polkitd, mount, e2fsprogs",
                BuiltPackage.field("Depends"));
        assertTrue(!BuiltPackage.field("Depends").contains("apt"), "a minimal host needs no apt or libapt-pkg");
        assertEquals("/etc/apt-ostree/apt-ostreed.conf", Commands.run(List.of("dpkg-deb", "--info", BuiltPackage.deb().toString(), "conffiles")).strip());
    }

    @Test
    void filesAreInTheDesignNotesLayoutWithTheirModes() throws Exception {
        Commands.require(List.of("dpkg-deb"), false);
        Map<String, String> contents = contents();
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> e : REQUIRED.entrySet()) {
            String mode = contents.get(e.getKey());
            if (!e.getValue().equals(mode)) {
                wrong.add(e.getKey() + ": " + (mode == null ? "missing" + (FROM_DAEMON.contains(e.getKey())
                        ? " (the daemon's file, from daemon/src/main/dist" + e.getKey() + ")" : "") : mode + ", expected " + e.getValue()));
            }
        }
        assertEquals(List.of(), wrong);
        // Fedora's usage counting has no Debian counterpart.
        assertTrue(contents.keySet().stream().noneMatch(p -> p.contains("countme")), contents.keySet().toString());
        // Everything belongs to root.
        String listing = Commands.run(List.of("dpkg-deb", "--contents", BuiltPackage.deb().toString()));
        assertTrue(listing.lines().allMatch(l -> l.split("\\s+")[1].equals("root/root")), listing);
    }

    @Test
    void lintianReportsNoErrorsAndOnlyTheWarningsTheReadmeExplains() throws Exception {
        Commands.require(List.of("lintian"), false);
        Commands.Result r = Commands.exec(List.of("lintian", "--fail-on", "error", BuiltPackage.deb().toString()), Map.of());
        List<String> errors = r.out().lines().filter(l -> l.startsWith("E:")).toList();
        assertEquals(List.of(), errors, r.both());
        assertEquals(0, r.code(), r.both());
        Set<String> warnings = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^W: apt-ostree: (\\S+)").matcher(r.out());
        while (m.find()) {
            warnings.add(m.group(1));
        }
        assertEquals(ReadmeSection.lintianWarnings(), warnings, "warnings lintian gives vs. those the README's 'Install on a host' explains:\n" + r.out());
    }

    /** Path to mode, from dpkg-deb's listing. */
    static Map<String, String> contents() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Commands.run(List.of("dpkg-deb", "--contents", BuiltPackage.deb().toString())).lines().toList()) {
            String[] f = line.split("\\s+", 6);
            String path = f[5].substring(1);
            out.put(path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path, f[0]);
        }
        return out;
    }
}
