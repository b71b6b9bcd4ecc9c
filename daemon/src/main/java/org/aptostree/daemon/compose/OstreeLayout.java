package org.aptostree.daemon.compose;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Rewrites a configured Debian tree into the layout an OSTree deployment expects (as rpm-ostree does for
 * its composes): {@code /etc} becomes {@code /usr/etc}; the dpkg database moves to
 * {@code /usr/lib/sysimage/dpkg}; {@code /var} leaves the commit and is described instead by
 * tmpfiles.d lines ({@code usr/lib/tmpfiles.d/aptostree-autovar.conf}) that recreate its directories,
 * symlinks and files with their owners and modes — files with content from
 * {@code /usr/share/factory/var}, systemd's place for such copies; the toplevel directories whose content is
 * local state become symlinks into {@code /var}; the kernel and initramfs move to
 * {@code /usr/lib/modules/VERSION/}; {@code /dev}, {@code /proc}, {@code /sys}, {@code /run} and
 * {@code /tmp} are left empty.
 */
final class OstreeLayout {
    static final String TMPFILES = "usr/lib/tmpfiles.d/aptostree-autovar.conf";
    static final String FACTORY_VAR = "usr/share/factory/var";

    /** Toplevel directories that are state, and where their content lives in /var (rpm-ostree's choices). */
    private static final List<String[]> STATE_LINKS = List.of(
            new String[] {"home", "var/home"}, new String[] {"opt", "var/opt"}, new String[] {"srv", "var/srv"},
            new String[] {"mnt", "var/mnt"}, new String[] {"root", "var/roothome"}, new String[] {"usr/local", "var/usrlocal"});

    /** Files that record the moment of the compose, not its content (logs, backups of the previous state). */
    private static final Set<String> VOLATILE = Set.of("/var/log/dpkg.log", "/var/log/alternatives.log",
            "/var/log/apt/history.log", "/var/log/apt/term.log", "/var/log/bootstrap.log",
            "/var/cache/debconf/config.dat-old", "/var/cache/debconf/templates.dat-old", "/var/cache/debconf/passwords.dat-old",
            "/var/cache/ldconfig/aux-cache");

    private OstreeLayout() {
    }

    /** What the rewrite found. */
    record Result(Optional<String> kernelVersion) {
    }

    static Result apply(Path root, OwnershipTable owners) throws IOException {
        for (String dir : List.of("dev", "run", "tmp")) {
            Path d = root.resolve(dir);
            if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                emptyDirectory(d);
            }
        }
        Optional<String> kernel = moveKernel(root, owners);

        Path dpkg = root.resolve("var/lib/dpkg");
        if (Files.isDirectory(dpkg, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(root.resolve("usr/lib/sysimage"));
            move(root, "var/lib/dpkg", "usr/lib/sysimage/dpkg", owners);
            Files.createSymbolicLink(dpkg, Path.of("../../usr/lib/sysimage/dpkg"));
        }

        for (String[] link : STATE_LINKS) {
            Path from = root.resolve(link[0]);
            if (Files.isSymbolicLink(from)) {
                continue;
            }
            if (Files.isDirectory(from)) {
                Path to = root.resolve(link[1]);
                Files.createDirectories(to.getParent());
                if (Files.isDirectory(to, LinkOption.NOFOLLOW_LINKS)) {
                    // Both exist (Debian ships /var/opt and /opt): the content joins what is already there.
                    try (DirectoryStream<Path> ds = Files.newDirectoryStream(from)) {
                        for (Path child : ds) {
                            String name = child.getFileName().toString();
                            move(root, link[0] + "/" + name, link[1] + "/" + name, owners);
                        }
                    }
                    Files.delete(from);
                } else {
                    move(root, link[0], link[1], owners);
                }
            } else {
                Files.createDirectories(root.resolve(link[1]));
            }
            Path target = from.getParent().relativize(root.resolve(link[1]));
            Files.createSymbolicLink(from, target);
        }
        Path media = root.resolve("media");
        if (Files.isDirectory(media, LinkOption.NOFOLLOW_LINKS) && isEmpty(media)) {
            Files.delete(media);
            Files.createSymbolicLink(media, Path.of("run/media"));
        }

        writeVarTmpfiles(root, owners);

        if (Files.isDirectory(root.resolve("etc"), LinkOption.NOFOLLOW_LINKS)) {
            if (Files.exists(root.resolve("usr/etc"), LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("the tree has both /etc and /usr/etc");
            }
            move(root, "etc", "usr/etc", owners);
        }
        for (String dir : List.of("dev", "proc", "sys", "run", "tmp", "var", "boot", "sysroot")) {
            Path d = root.resolve(dir);
            if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(d);
                Files.setAttribute(d, "unix:mode", dir.equals("tmp") ? 01777 : 0755);
            }
        }
        Path ostree = root.resolve("ostree");
        if (!Files.exists(ostree, LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(ostree, Path.of("sysroot/ostree"));
        }
        return new Result(kernel);
    }

    /**
     * Describes {@code /var} as tmpfiles.d lines and empties it: {@code d} for directories, {@code L} for
     * symlinks, {@code f} for empty files and {@code C} (from the factory copy) plus {@code z} (owner and
     * mode) for files with content. Numeric owners, so the lines need no passwd to be read.
     */
    private static void writeVarTmpfiles(Path root, OwnershipTable owners) throws IOException {
        Path var = root.resolve("var");
        if (!Files.isDirectory(var, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> entries;
        try (Stream<Path> s = Files.walk(var)) {
            entries = s.filter(p -> !p.equals(var)).sorted().toList();
        }
        List<String> lines = new ArrayList<>();
        Path factory = root.resolve(FACTORY_VAR);
        for (Path p : entries) {
            String path = "/" + root.relativize(p);
            if (VOLATILE.contains(path)) {
                continue;
            }
            int[] owner = owners.owner(path);
            String ids = owner[0] + " " + owner[1];
            if (Files.isSymbolicLink(p)) {
                lines.add("L " + escape(path) + " - - - - " + escape(Files.readSymbolicLink(p).toString()));
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                lines.add("d " + escape(path) + " " + mode(p) + " " + ids + " -");
            } else if (Files.size(p) == 0) {
                lines.add("f " + escape(path) + " " + mode(p) + " " + ids + " -");
            } else {
                Path copy = factory.resolve(root.resolve("var").relativize(p).toString());
                Files.createDirectories(copy.getParent());
                // A tree built on a base has the base's copy already: replaced (never written through, it may be a
                // link to a repository object).
                Files.copy(p, copy, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
                owners.set("/" + root.relativize(copy), owner[0], owner[1]);
                lines.add("C " + escape(path) + " - - - - " + escape("/" + root.relativize(copy)));
                lines.add("z " + escape(path) + " " + mode(p) + " " + ids + " -");
            }
        }
        emptyDirectory(var);
        owners.forget("/var");
        Path conf = root.resolve(TMPFILES);
        Files.createDirectories(conf.getParent());
        // Replaced, never written through: in a tree built on a base, the base's file is a link to a repository object.
        Path tmp = conf.resolveSibling("." + conf.getFileName() + ".new");
        Files.writeString(tmp, "# /var of this image, recreated at boot by systemd-tmpfiles (written by apt-ostree compose)\n"
                + String.join("\n", lines) + "\n");
        Files.setAttribute(tmp, "unix:mode", 0644);
        Files.move(tmp, conf, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String mode(Path p) throws IOException {
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return String.format("%04o", mode & 07777);
    }

    /**
     * Turns a checkout of a commit in the OSTree layout back into the layout packages and their scripts expect,
     * the inverse of {@link #apply} for what they touch: {@code /usr/etc} becomes {@code /etc}, and {@code /var} is
     * made from the tree's own tmpfiles.d lines (directories, symlinks, empty files and factory copies, with the
     * owners of the lines recorded in {@code owners}). {@link #apply} then rewrites it all back, keeping the base's
     * {@code /var} entries and adding what the new packages brought.
     */
    static void restoreWorkingLayout(Path root, OwnershipTable owners) throws IOException {
        Path usrEtc = root.resolve("usr/etc");
        if (Files.isDirectory(usrEtc, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.exists(root.resolve("etc"), LinkOption.NOFOLLOW_LINKS)) {
                Path etc = root.resolve("etc");
                if (!Files.isDirectory(etc, LinkOption.NOFOLLOW_LINKS) || !isEmpty(etc)) {
                    throw new IOException("the tree has both /etc and /usr/etc");
                }
                Files.delete(etc);
            }
            move(root, "usr/etc", "etc", owners);
        }
        Path conf = root.resolve(TMPFILES);
        if (!Files.isRegularFile(conf, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path var = Files.createDirectories(root.resolve("var"));
        List<String> lines = Files.readAllLines(conf, java.nio.charset.StandardCharsets.UTF_8);
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(" ", 7);
            String where = conf + ":" + (n + 1);
            if (f.length < 6) {
                throw new IOException(where + ": not a tmpfiles.d line written by apt-ostree: " + line);
            }
            String path = unescape(f[1]);
            Path target = root.resolve(path.substring(1)).normalize();
            if (!path.startsWith("/var/") || !target.startsWith(var)) {
                throw new IOException(where + ": path " + path + " is not below /var");
            }
            switch (f[0]) {
                case "d" -> {
                    Files.createDirectories(target);
                    applyLine(target, f, owners, path, where);
                }
                case "f" -> {
                    Files.createDirectories(target.getParent());
                    Files.createFile(target);
                    applyLine(target, f, owners, path, where);
                }
                case "L" -> {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Path.of(unescape(f[6])));
                }
                case "C" -> {
                    Path source = root.resolve(unescape(f[6]).substring(1)).normalize();
                    if (!source.startsWith(root.resolve(FACTORY_VAR))) {
                        throw new IOException(where + ": copy source " + f[6] + " is not below /" + FACTORY_VAR);
                    }
                    Files.createDirectories(target.getParent());
                    Files.copy(source, target, LinkOption.NOFOLLOW_LINKS);
                }
                case "z" -> applyLine(target, f, owners, path, where);
                default -> throw new IOException(where + ": unexpected tmpfiles.d type '" + f[0] + "'");
            }
        }
    }

    /** The mode, uid and gid fields of a {@code d}, {@code f} or {@code z} line. */
    private static void applyLine(Path target, String[] f, OwnershipTable owners, String path, String where) throws IOException {
        try {
            Files.setAttribute(target, "unix:mode", Integer.parseInt(f[2], 8), LinkOption.NOFOLLOW_LINKS);
            owners.set(path, Integer.parseInt(f[3]), Integer.parseInt(f[4]));
        } catch (NumberFormatException e) {
            throw new IOException(where + ": mode, uid or gid is not a number", e);
        }
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.charAt(i + 1) == 'x') {
                out.append((char) Integer.parseInt(s.substring(i + 2, i + 4), 16));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** tmpfiles.d paths are C-style escaped when they hold white space or backslashes. */
    private static String escape(String path) {
        StringBuilder out = new StringBuilder();
        for (char c : path.toCharArray()) {
            if (c == ' ' || c == '\t' || c == '\\' || c == '\n') {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Debian installs /boot/vmlinuz-V and /boot/initrd.img-V; OSTree finds them in usr/lib/modules/V/. */
    private static Optional<String> moveKernel(Path root, OwnershipTable owners) throws IOException {
        Path boot = root.resolve("boot");
        Path modules = root.resolve("usr/lib/modules");
        if (!Files.isDirectory(boot, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        List<String> versions = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(boot, "vmlinuz-*")) {
            ds.forEach(p -> versions.add(p.getFileName().toString().substring("vmlinuz-".length())));
        }
        versions.sort(OstreeLayout::compareKernelVersions);
        for (String v : versions) {
            Path dir = modules.resolve(v);
            Files.createDirectories(dir);
            move(root, "boot/vmlinuz-" + v, "usr/lib/modules/" + v + "/vmlinuz", owners);
            for (String[] extra : List.of(new String[] {"initrd.img-", "initramfs.img"}, new String[] {"config-", "config"},
                    new String[] {"System.map-", "System.map"})) {
                if (Files.exists(boot.resolve(extra[0] + v), LinkOption.NOFOLLOW_LINKS)) {
                    move(root, "boot/" + extra[0] + v, "usr/lib/modules/" + v + "/" + extra[1], owners);
                }
            }
        }
        // Debian's symlinks to the newest kernel (/vmlinuz, /initrd.img and their .old) would now dangle.
        for (String link : List.of("vmlinuz", "vmlinuz.old", "initrd.img", "initrd.img.old", "boot/vmlinuz", "boot/vmlinuz.old",
                "boot/initrd.img", "boot/initrd.img.old")) {
            Path p = root.resolve(link);
            if (Files.isSymbolicLink(p)) {
                Files.delete(p);
            }
        }
        // A kernel may also be installed straight into usr/lib/modules/VERSION/vmlinuz (as OSTree-aware packages do).
        if (Files.isDirectory(modules)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(modules)) {
                for (Path d : ds) {
                    String v = d.getFileName().toString();
                    if (Files.isRegularFile(d.resolve("vmlinuz")) && !versions.contains(v)) {
                        versions.add(v);
                    }
                }
            }
        }
        versions.sort(OstreeLayout::compareKernelVersions);
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.size() - 1));
    }

    /** Kernel versions in dpkg's order (6.9 before 6.12), which is how Debian orders its kernel packages. */
    static int compareKernelVersions(String a, String b) {
        try {
            return org.aptostree.deb.version.Version.parse(a).compareTo(org.aptostree.deb.version.Version.parse(b));
        } catch (IOException | RuntimeException e) {
            return a.compareTo(b);
        }
    }

    private static void move(Path root, String from, String to, OwnershipTable owners) throws IOException {
        Files.move(root.resolve(from), root.resolve(to));
        owners.move("/" + from, "/" + to);
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            return !ds.iterator().hasNext();
        }
    }

    /** Deletes what is below {@code dir}, also below directories whose mode would not let their owner do so. */
    static void emptyDirectory(Path dir) throws IOException {
        int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & 0700) != 0700) {
            // Made listable and writable before it is listed: as an unprivileged user, a 0555 or 0000 directory of a
            // package could not be emptied otherwise.
            Files.setAttribute(dir, "unix:mode", mode | 0700, LinkOption.NOFOLLOW_LINKS);
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    emptyDirectory(p);
                }
                Files.delete(p);
            }
        }
    }
}
