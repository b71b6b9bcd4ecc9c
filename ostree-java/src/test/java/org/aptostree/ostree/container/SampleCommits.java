package org.aptostree.ostree.container;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.gvariant.Variant;
import org.aptostree.ostree.gvariant.VariantDict;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.CommitBuilder;
import org.aptostree.ostree.repo.Repository;

/**
 * Commits with what the format has special cases for: owners, setuid and sticky modes, a file capability and user
 * xattrs, hard links, symlinks (one with {@code //}), empty files, {@code usr/etc}, names longer than 100 bytes,
 * and a small dpkg database (three packages, two of one source) so that the export splits by package.
 */
final class SampleCommits {
    static final String LONG_DIR = "usr/share/" + "d".repeat(60) + "/" + "e".repeat(60);
    /** A file capability (cap_net_raw+ep), as setcap writes it. */
    static final byte[] CAPABILITY = {1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

    private SampleCommits() {
    }

    /** The tree as a tar stream; {@code variant} changes the content of package {@code beta}'s file. */
    static byte[] tar(int variant) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(bytes)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            dir(t, "", 0, 0, 0755);
            for (String d : List.of("usr", "usr/bin", "usr/lib", "usr/lib/sysimage", "usr/lib/sysimage/dpkg", "usr/lib/sysimage/dpkg/info",
                    "usr/etc", "usr/share", "usr/share/" + "d".repeat(60), LONG_DIR, "usr/sbin", "var", "tmp", "sysroot", "boot")) {
                dir(t, d, 0, 0, 0755);
            }
            dir(t, "usr/share/empty", 0, 0, 0700);
            dir(t, "usr/share/sticky", 0, 0, 01777);
            dir(t, "usr/share/owned", 1000, 100, 0750);
            symlink(t, "bin", "usr/bin");
            symlink(t, "lib", "usr/lib");
            symlink(t, "ostree", "sysroot/ostree");
            file(t, "usr/bin/alpha", 0, 0, 0755, "#!/bin/sh\necho alpha\n".getBytes(StandardCharsets.UTF_8), Map.of());
            file(t, "usr/bin/beta", 0, 0, 0755, ("beta version " + variant + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
            file(t, "usr/bin/beta-helper", 0, 0, 04755, "helper\n".getBytes(StandardCharsets.UTF_8), Map.of());
            file(t, "usr/sbin/ping", 0, 0, 0755, "ping\n".getBytes(StandardCharsets.UTF_8),
                    Map.of("security.capability", CAPABILITY, "user.origin", "test".getBytes(StandardCharsets.UTF_8)));
            link(t, "usr/bin/alpha-again", "usr/bin/alpha");
            symlink(t, "usr/bin/a", "alpha");
            symlink(t, "usr/lib/denormal", "../..//usr/bin/alpha");
            file(t, "usr/lib/emptyfile", 0, 0, 0644, new byte[0], Map.of());
            file(t, "usr/lib/emptyfile2", 0, 0, 0600, new byte[0], Map.of());
            file(t, "usr/etc/alpha.conf", 0, 0, 0644, "conf\n".getBytes(StandardCharsets.UTF_8), Map.of());
            file(t, "usr/etc/shadow-ish", 0, 42, 0640, "secret\n".getBytes(StandardCharsets.UTF_8), Map.of());
            file(t, LONG_DIR + "/" + "f".repeat(40), 0, 0, 0644, "long\n".getBytes(StandardCharsets.UTF_8), Map.of());
            file(t, "usr/share/owned/file", 1000, 100, 0640, "owned\n".getBytes(StandardCharsets.UTF_8), Map.of());
            byte[] big = new byte[300_000];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) (i * 31 + i / 977);
            }
            file(t, "usr/lib/libbig.so", 0, 0, 0644, big, Map.of());
            String dpkg = "usr/lib/sysimage/dpkg/";
            file(t, dpkg + "status", 0, 0, 0644, ("Package: alpha\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1\n\n"
                    + "Package: beta\nStatus: install ok installed\nArchitecture: amd64\nSource: betasrc (2)\nVersion: 2." + variant + "\n\n"
                    + "Package: beta-tools\nStatus: install ok installed\nArchitecture: all\nSource: betasrc\nVersion: 2\n\n"
                    + "Package: removed\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 1\n")
                    .getBytes(StandardCharsets.UTF_8), Map.of());
            file(t, dpkg + "info/alpha.list", 0, 0, 0644, "/.\n/bin\n/bin/alpha\n/usr/bin/alpha-again\n/bin/a\n/etc/alpha.conf\n"
                    .getBytes(StandardCharsets.UTF_8), Map.of());
            file(t, dpkg + "info/alpha.md5sums", 0, 0, 0644, "x  bin/alpha\n".getBytes(StandardCharsets.UTF_8), Map.of());
            file(t, dpkg + "info/beta.list", 0, 0, 0644, "/.\n/usr/bin/beta\n/lib/libbig.so\n".getBytes(StandardCharsets.UTF_8), Map.of());
            file(t, dpkg + "info/beta-tools.list", 0, 0, 0644, "/usr/bin/beta-helper\n/usr/sbin/ping\n".getBytes(StandardCharsets.UTF_8), Map.of());
            t.finish();
        }
        return bytes.toByteArray();
    }

    static ObjectId commit(Repository repo, String branch, int variant, boolean bootable) throws IOException, OstreeFormatException {
        Map<String, Variant> meta = new LinkedHashMap<>();
        meta.put("version", Variant.ofString("42." + variant));
        meta.put("aptostree.packages", Variant.of("a(sss)", List.of(List.of("alpha", "1", "amd64"), List.of("beta", "2." + variant, "amd64"),
                List.of("beta-tools", "2", "all"))));
        if (bootable) {
            meta.put("ostree.bootable", Variant.ofBoolean(true));
            meta.put("ostree.linux", Variant.ofString("6.1.0-test"));
        }
        return new CommitBuilder(repo).branch(branch).subject("sample " + variant).timestamp(872879442L + variant)
                .metadata(VariantDict.of(meta)).parent(Optional.empty())
                .commitTar(new ByteArrayInputStream(tar(variant)));
    }

    private static TarArchiveEntry entry(String name, byte type, int uid, int gid, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name.isEmpty() ? "./" : name, type);
        e.setIds(uid, gid);
        e.setMode(mode);
        e.setModTime(0);
        return e;
    }

    private static void dir(TarArchiveOutputStream t, String name, int uid, int gid, int mode) throws IOException {
        t.putArchiveEntry(entry(name.isEmpty() ? "" : name + "/", TarArchiveEntry.LF_DIR, uid, gid, 040000 | mode));
        t.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream t, String name, int uid, int gid, int mode, byte[] data, Map<String, byte[]> xattrs)
            throws IOException {
        TarArchiveEntry e = entry(name, TarArchiveEntry.LF_NORMAL, uid, gid, 0100000 | mode);
        e.setSize(data.length);
        xattrs.forEach((k, v) -> e.addPaxHeader("SCHILY.xattr." + k, new String(v, StandardCharsets.ISO_8859_1)));
        t.putArchiveEntry(e);
        t.write(data);
        t.closeArchiveEntry();
    }

    private static void symlink(TarArchiveOutputStream t, String name, String target) throws IOException {
        TarArchiveEntry e = entry(name, TarArchiveEntry.LF_SYMLINK, 0, 0, 0120777);
        e.setLinkName(target);
        t.putArchiveEntry(e);
        t.closeArchiveEntry();
    }

    private static void link(TarArchiveOutputStream t, String name, String target) throws IOException {
        TarArchiveEntry e = entry(name, TarArchiveEntry.LF_LINK, 0, 0, 0100755);
        e.setLinkName(target);
        t.putArchiveEntry(e);
        t.closeArchiveEntry();
    }

    /** The components a dpkg database reader gives for the sample: source {@code betasrc} holds two packages. */
    static ContentMeta contentMeta() {
        return new ContentMeta(List.of(
                new ContentMeta.Component("alpha", List.of("alpha"), java.util.Set.of("/bin/alpha", "/usr/bin/alpha-again", "/bin/a",
                        "/etc/alpha.conf", "/usr/lib/sysimage/dpkg/info/alpha.list", "/usr/lib/sysimage/dpkg/info/alpha.md5sums")),
                new ContentMeta.Component("betasrc", List.of("beta", "beta-tools"), java.util.Set.of("/usr/bin/beta", "/lib/libbig.so",
                        "/usr/bin/beta-helper", "/usr/sbin/ping", "/usr/lib/sysimage/dpkg/info/beta.list",
                        "/usr/lib/sysimage/dpkg/info/beta-tools.list"))));
    }
}
