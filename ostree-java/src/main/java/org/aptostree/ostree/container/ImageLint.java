package org.aptostree.ostree.container;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.ContentObject;
import org.aptostree.ostree.repo.KeyFile;
import org.aptostree.ostree.repo.Repository;

/**
 * bootc's {@code container lint}: the rules a bootable image's file system should follow, each finding naming its
 * paths. Fatal: the API directories exist ({@code /dev /proc /sys /run /tmp /var}), {@code /sysroot} and
 * {@code /ostree -> sysroot/ostree}, one kernel under {@code /usr/lib/modules/$kver} (with {@code vmlinuz}), not both
 * {@code /etc} and {@code /usr/etc}, {@code /var/run} a symlink, UTF-8 names; for an image, its {@code containers.bootc}
 * or {@code ostree.bootable} label. Warnings: an empty {@code /boot}, no content in {@code /run} and {@code /tmp},
 * no log files in {@code /var/log}, {@code /var} content only where tmpfiles.d creates it, composefs enabled, no
 * {@code /etc/hostname} or {@code /etc/resolv.conf} left empty by a container build.
 */
public final class ImageLint {
    private static final List<String> API_DIRS = List.of("dev", "proc", "sys", "run", "tmp", "var");
    private static final List<String> TMPFILES_DIRS = List.of("usr/lib/tmpfiles.d", "etc/tmpfiles.d");
    /** At most this many paths are listed per finding, as bootc truncates. */
    private static final int LISTED = 5;

    private ImageLint() {
    }

    public enum Severity { FATAL, WARNING }

    /** A rule that failed: its name, how bad, and what was found where. */
    public record Finding(String lint, Severity severity, String message) {
        @Override
        public String toString() {
            return (severity == Severity.FATAL ? "Failed lint: " : "Lint warning: ") + lint + ": " + message;
        }
    }

    /** The findings, and how many rules passed. */
    public record Report(List<Finding> findings, int passed) {
        public Report {
            findings = List.copyOf(findings);
        }

        public long fatal() {
            return findings.stream().filter(f -> f.severity() == Severity.FATAL).count();
        }

        public long warnings() {
            return findings.size() - fatal();
        }
    }

    /** A file system tree as a container sees it, read without following symlinks. Paths are relative to the root. */
    public interface Rootfs {
        enum Type { DIRECTORY, FILE, SYMLINK, OTHER }

        record Entry(String name, Type type, long size) {
        }

        Optional<Entry> stat(String path) throws IOException;

        /** The entries of a directory (none when it is not one). */
        List<Entry> list(String dir) throws IOException;

        String readLink(String path) throws IOException;

        /** A regular file's bytes, at most {@code limit}. */
        byte[] read(String path, int limit) throws IOException;
    }

    /** A directory tree on disk (an unpacked image, a mounted root). */
    public static Rootfs directory(Path root) {
        return new Rootfs() {
            private Path p(String path) {
                return path.isEmpty() ? root : root.resolve(path);
            }

            private Entry entry(String name, Path f) throws IOException {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                Type t = a.isSymbolicLink() ? Type.SYMLINK : a.isDirectory() ? Type.DIRECTORY : a.isRegularFile() ? Type.FILE : Type.OTHER;
                return new Entry(name, t, a.size());
            }

            @Override
            public Optional<Entry> stat(String path) throws IOException {
                try {
                    Path f = p(path);
                    return Optional.of(entry(f.getFileName() == null ? "" : f.getFileName().toString(), f));
                } catch (NoSuchFileException e) {
                    return Optional.empty();
                }
            }

            @Override
            public List<Entry> list(String dir) throws IOException {
                List<Entry> out = new ArrayList<>();
                Path d = p(dir);
                if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                    return out;
                }
                try (DirectoryStream<Path> s = Files.newDirectoryStream(d)) {
                    for (Path f : s) {
                        out.add(entry(f.getFileName().toString(), f));
                    }
                }
                out.sort(java.util.Comparator.comparing(Entry::name));
                return out;
            }

            @Override
            public String readLink(String path) throws IOException {
                return Files.readSymbolicLink(p(path)).toString();
            }

            @Override
            public byte[] read(String path, int limit) throws IOException {
                try (InputStream in = Files.newInputStream(p(path), LinkOption.NOFOLLOW_LINKS)) {
                    return in.readNBytes(limit);
                }
            }
        };
    }

    /** A commit's tree as the container it was exported to shows it: {@code /usr/etc} is {@code /etc}. */
    public static Rootfs commit(Repository repo, ObjectId commitId) throws IOException, OstreeFormatException {
        Commit c = repo.readCommit(commitId);
        return new Rootfs() {
            /** The tree path a container path is: etc is usr/etc, and usr/etc itself is hidden. */
            private Optional<List<String>> treePath(String path) {
                List<String> parts = new ArrayList<>();
                for (String s : path.split("/")) {
                    if (!s.isEmpty()) {
                        parts.add(s);
                    }
                }
                if (parts.size() >= 2 && parts.get(0).equals("usr") && parts.get(1).equals("etc")) {
                    return Optional.empty();
                }
                if (!parts.isEmpty() && parts.get(0).equals("etc")) {
                    parts.add(0, "usr");
                }
                return Optional.of(parts);
            }

            /** The dirtree at a tree path, the file there, or nothing. */
            private Object resolve(List<String> parts) throws IOException {
                try {
                    ObjectId tree = c.rootTree();
                    for (int i = 0; i < parts.size(); i++) {
                        DirTree t = repo.readDirTree(tree);
                        String name = parts.get(i);
                        Optional<DirTree.DirEntry> d = t.dirs().stream().filter(x -> x.name().equals(name)).findFirst();
                        if (d.isPresent()) {
                            tree = d.get().tree();
                            continue;
                        }
                        Optional<DirTree.FileEntry> f = t.files().stream().filter(x -> x.name().equals(name)).findFirst();
                        return f.isPresent() && i == parts.size() - 1 ? f.get().content() : null;
                    }
                    return repo.readDirTree(tree);
                } catch (OstreeFormatException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }

            private Entry fileEntry(String name, ObjectId content) throws IOException {
                try (ContentObject o = repo.openContent(content)) {
                    return new Entry(name, o.header().isSymlink() ? Type.SYMLINK : Type.FILE, o.size());
                } catch (OstreeFormatException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }

            @Override
            public Optional<Entry> stat(String path) throws IOException {
                Optional<List<String>> parts = treePath(path);
                if (parts.isEmpty()) {
                    return Optional.empty();
                }
                Object o = resolve(parts.get());
                String name = parts.get().isEmpty() ? "" : parts.get().get(parts.get().size() - 1);
                if (o instanceof DirTree) {
                    return Optional.of(new Entry(name, Type.DIRECTORY, 0));
                }
                return o instanceof ObjectId id ? Optional.of(fileEntry(name, id)) : Optional.empty();
            }

            @Override
            public List<Entry> list(String dir) throws IOException {
                List<Entry> out = new ArrayList<>();
                Optional<List<String>> parts = treePath(dir);
                if (parts.isEmpty() || !(resolve(parts.get()) instanceof DirTree t)) {
                    return out;
                }
                boolean usr = parts.get().size() == 1 && parts.get().get(0).equals("usr");
                for (DirTree.DirEntry d : t.dirs()) {
                    if (!(usr && d.name().equals("etc"))) {
                        out.add(new Entry(d.name(), Type.DIRECTORY, 0));
                    }
                }
                for (DirTree.FileEntry f : t.files()) {
                    out.add(fileEntry(f.name(), f.content()));
                }
                if (parts.get().isEmpty() && t.dirs().stream().anyMatch(d -> d.name().equals("usr"))
                        && resolve(List.of("usr", "etc")) instanceof DirTree) {
                    out.add(new Entry("etc", Type.DIRECTORY, 0));
                }
                out.sort(java.util.Comparator.comparing(Entry::name));
                return out;
            }

            @Override
            public String readLink(String path) throws IOException {
                Object o = treePath(path).isPresent() ? resolve(treePath(path).get()) : null;
                if (!(o instanceof ObjectId id)) {
                    throw new NoSuchFileException(path);
                }
                try (ContentObject co = repo.openContent(id)) {
                    return co.header().symlinkTarget();
                } catch (OstreeFormatException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }

            @Override
            public byte[] read(String path, int limit) throws IOException {
                Object o = treePath(path).isPresent() ? resolve(treePath(path).get()) : null;
                if (!(o instanceof ObjectId id)) {
                    throw new NoSuchFileException(path);
                }
                try (ContentObject co = repo.openContent(id)) {
                    return co.stream().readNBytes(limit);
                } catch (OstreeFormatException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
        };
    }

    /** One rule: a name, a severity, and the check, which gives the problem found or nothing. */
    private record Rule(String name, Severity severity, Check check) {
    }

    @FunctionalInterface
    private interface Check {
        Optional<String> run(Rootfs root) throws IOException;
    }

    /**
     * Runs the rules (sorted by name, as bootc runs them) on a tree, minus those in {@code skip}; with
     * {@code labels} (an image's configuration labels), also checks that the image says it is bootable.
     */
    public static Report lint(Rootfs root, Optional<Map<String, String>> labels, Set<String> skip) throws IOException {
        List<Rule> rules = new ArrayList<>(List.of(
                new Rule("api-base-directories", Severity.FATAL, ImageLint::apiDirectories),
                new Rule("baseimage-composefs", Severity.WARNING, ImageLint::composefs),
                new Rule("baseimage-root", Severity.FATAL, ImageLint::baseimageRoot),
                new Rule("buildah-injected", Severity.WARNING, ImageLint::buildahInjected),
                new Rule("etc-usretc", Severity.FATAL, ImageLint::etcUsrEtc),
                new Rule("kernel", Severity.FATAL, ImageLint::kernel),
                new Rule("nonempty-boot", Severity.WARNING, ImageLint::boot),
                new Rule("nonempty-run-tmp", Severity.WARNING, ImageLint::runTmp),
                new Rule("utf8", Severity.FATAL, ImageLint::utf8),
                new Rule("var-log", Severity.WARNING, ImageLint::varLog),
                new Rule("var-run", Severity.FATAL, ImageLint::varRun),
                new Rule("var-tmpfiles", Severity.WARNING, ImageLint::varTmpfiles)));
        if (labels.isPresent()) {
            Map<String, String> l = labels.get();
            rules.add(new Rule("bootable-labels", Severity.FATAL, r -> l.containsKey(Encapsulator.LABEL_BOOTC)
                    || l.containsKey(Encapsulator.LABEL_BOOTABLE) ? Optional.empty()
                    : Optional.of("The image has neither the " + Encapsulator.LABEL_BOOTC + " nor the " + Encapsulator.LABEL_BOOTABLE + " label")));
        }
        rules.sort(java.util.Comparator.comparing(Rule::name));
        List<Finding> findings = new ArrayList<>();
        int passed = 0;
        for (Rule rule : rules) {
            if (skip.contains(rule.name())) {
                continue;
            }
            Optional<String> problem = rule.check().run(root);
            if (problem.isPresent()) {
                findings.add(new Finding(rule.name(), rule.severity(), problem.get()));
            } else {
                passed++;
            }
        }
        return new Report(findings, passed);
    }

    private static Optional<String> apiDirectories(Rootfs root) throws IOException {
        for (String d : API_DIRS) {
            Optional<Rootfs.Entry> e = root.stat(d);
            if (e.isEmpty()) {
                return Optional.of("Missing API filesystem base directory: /" + d);
            }
            if (e.get().type() != Rootfs.Type.DIRECTORY) {
                return Optional.of("Expected directory for API filesystem base directory: /" + d);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> composefs(Rootfs root) throws IOException {
        Optional<Rootfs.Entry> e = root.stat(PrepareRootConf.PATH);
        if (e.isEmpty() || e.get().type() != Rootfs.Type.FILE) {
            return Optional.of("/" + PrepareRootConf.PATH + " is not present to enable composefs");
        }
        try {
            KeyFile conf = KeyFile.parse(new String(root.read(PrepareRootConf.PATH, 1 << 20), StandardCharsets.UTF_8), PrepareRootConf.PATH);
            return PrepareRootConf.overlayfsEnabled(conf) ? Optional.empty()
                    : Optional.of("/" + PrepareRootConf.PATH + " does not have composefs enabled");
        } catch (OstreeFormatException ex) {
            return Optional.of("/" + PrepareRootConf.PATH + " cannot be read: " + ex.getMessage());
        }
    }

    private static Optional<String> baseimageRoot(Rootfs root) throws IOException {
        Optional<Rootfs.Entry> sysroot = root.stat("sysroot");
        if (sysroot.isEmpty()) {
            return Optional.of("Missing /sysroot");
        }
        if (sysroot.get().type() != Rootfs.Type.DIRECTORY) {
            return Optional.of("Expected a directory for /sysroot");
        }
        Optional<Rootfs.Entry> ostree = root.stat("ostree");
        if (ostree.isEmpty()) {
            return Optional.of("Missing ostree -> sysroot/ostree link");
        }
        if (ostree.get().type() != Rootfs.Type.SYMLINK) {
            return Optional.of("/ostree should be a symlink");
        }
        String link = root.readLink("ostree");
        return link.equals("sysroot/ostree") ? Optional.empty() : Optional.of("Expected /ostree -> sysroot/ostree, not " + link);
    }

    private static Optional<String> buildahInjected(Rootfs root) throws IOException {
        for (String f : List.of("etc/hostname", "etc/resolv.conf")) {
            Optional<Rootfs.Entry> e = root.stat(f);
            if (e.isPresent() && e.get().type() == Rootfs.Type.FILE && e.get().size() == 0) {
                return Optional.of("/" + f + " is an empty file; this may have been synthesized by a container runtime.");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> etcUsrEtc(Rootfs root) throws IOException {
        if (root.stat("etc").isEmpty()) {
            return Optional.empty();
        }
        return root.stat("usr/etc").isPresent()
                ? Optional.of("Found /usr/etc - this is a bootc implementation detail and not supported to use in containers")
                : Optional.empty();
    }

    private static Optional<String> kernel(Rootfs root) throws IOException {
        List<String> kernels = new ArrayList<>();
        for (Rootfs.Entry e : root.list("usr/lib/modules")) {
            if (e.type() == Rootfs.Type.DIRECTORY && root.stat("usr/lib/modules/" + e.name() + "/vmlinuz").isPresent()) {
                kernels.add("/usr/lib/modules/" + e.name());
            }
        }
        if (kernels.size() > 1) {
            return Optional.of("Found multiple subdirectories in usr/lib/modules with a kernel: " + String.join(", ", kernels));
        }
        if (kernels.isEmpty()) {
            boolean inBoot = root.list("boot").stream().anyMatch(e -> e.name().startsWith("vmlinuz"));
            return Optional.of("No kernel found: expected /usr/lib/modules/$kver/vmlinuz" + (inBoot ? " (there is one in /boot, which is not used)" : ""));
        }
        return Optional.empty();
    }

    private static Optional<String> boot(Rootfs root) throws IOException {
        Optional<Rootfs.Entry> b = root.stat("boot");
        if (b.isEmpty() || b.get().type() != Rootfs.Type.DIRECTORY) {
            return Optional.of("Missing /boot directory");
        }
        List<String> entries = new ArrayList<>();
        for (Rootfs.Entry e : root.list("boot")) {
            // bootc leaves out EFI (composefs-rs creates it).
            if (!e.name().equals("EFI")) {
                entries.add(e.name());
            }
        }
        return entries.isEmpty() ? Optional.empty() : Optional.of(listed("Found non-empty /boot", entries));
    }

    private static Optional<String> runTmp(Rootfs root) throws IOException {
        TreeSet<String> found = new TreeSet<>();
        for (String d : List.of("run", "tmp")) {
            walk(root, d, (path, e) -> found.add("/" + path));
        }
        found.remove("/run/systemd/resolve/stub-resolv.conf");
        for (String parent : List.of("/run/systemd/resolve", "/run/systemd")) {
            if (found.stream().noneMatch(p -> p.startsWith(parent + "/"))) {
                found.remove(parent);
            }
        }
        return found.isEmpty() ? Optional.empty() : Optional.of(listed("Found content in runtime-only directories (/run, /tmp)", found));
    }

    private static Optional<String> utf8(Rootfs root) throws IOException {
        List<String> bad = new ArrayList<>();
        walk(root, "", (path, e) -> {
            if (bad.isEmpty() && path.indexOf('\uFFFD') >= 0) {
                bad.add(path);
            }
        });
        return bad.isEmpty() ? Optional.empty() : Optional.of("/" + bad.get(0) + ": Found non-utf8 filename");
    }

    private static Optional<String> varLog(Rootfs root) throws IOException {
        TreeSet<String> logs = new TreeSet<>();
        walk(root, "var/log", (path, e) -> {
            if (e.type() == Rootfs.Type.FILE && e.size() > 0) {
                logs.add("/" + path);
            }
        });
        return logs.isEmpty() ? Optional.empty() : Optional.of(listed("Found non-empty logfiles", logs));
    }

    private static Optional<String> varRun(Rootfs root) throws IOException {
        Optional<Rootfs.Entry> e = root.stat("var/run");
        return e.isPresent() && e.get().type() != Rootfs.Type.SYMLINK ? Optional.of("Not a symlink: var/run") : Optional.empty();
    }

    /** bootc's {@code var-tmpfiles}: every path in /var has a tmpfiles.d line that makes it at boot. */
    private static Optional<String> varTmpfiles(Rootfs root) throws IOException {
        Set<String> declared = new java.util.HashSet<>();
        for (String dir : TMPFILES_DIRS) {
            for (Rootfs.Entry f : root.list(dir)) {
                if (f.type() != Rootfs.Type.FILE || !f.name().endsWith(".conf")) {
                    continue;
                }
                for (String line : new String(root.read(dir + "/" + f.name(), 4 << 20), StandardCharsets.UTF_8).split("\n")) {
                    String l = line.strip();
                    if (l.isEmpty() || l.startsWith("#")) {
                        continue;
                    }
                    String[] fields = l.split("\\s+");
                    if (fields.length >= 2) {
                        declared.add(unescape(fields[1]));
                    }
                }
            }
        }
        TreeSet<String> missing = new TreeSet<>();
        TreeSet<String> unsupported = new TreeSet<>();
        walk(root, "var", (path, e) -> {
            String abs = "/" + path;
            if (declared.contains(abs)) {
                return;
            }
            if (e.type() == Rootfs.Type.DIRECTORY || e.type() == Rootfs.Type.SYMLINK) {
                missing.add(abs);
            } else {
                unsupported.add(abs);
            }
        });
        if (missing.isEmpty() && unsupported.isEmpty()) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) {
            parts.add(listed("Found content in /var missing systemd tmpfiles.d entries", missing));
        }
        if (!unsupported.isEmpty()) {
            parts.add(listed("Found non-directory/non-symlink files in /var", unsupported));
        }
        return Optional.of(String.join("\n", parts));
    }

    /** tmpfiles.d's C-style escapes in a path ({@code \x20}). */
    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.charAt(i + 1) == 'x') {
                try {
                    b.append((char) Integer.parseInt(s.substring(i + 2, i + 4), 16));
                    i += 3;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape
                }
            }
            b.append(c);
        }
        return b.toString();
    }

    private static String listed(String header, java.util.Collection<String> items) {
        StringBuilder b = new StringBuilder(header).append(':');
        int n = 0;
        for (String i : items) {
            if (n++ == LISTED) {
                b.append("\n  ...and ").append(items.size() - LISTED).append(" more");
                break;
            }
            b.append("\n  ").append(i);
        }
        return b.toString();
    }

    @FunctionalInterface
    private interface Visitor {
        void visit(String path, Rootfs.Entry e) throws IOException;
    }

    /** Every path below {@code dir} (not {@code dir} itself), depth first, without following symlinks. */
    private static void walk(Rootfs root, String dir, Visitor v) throws IOException {
        for (Rootfs.Entry e : root.list(dir)) {
            String path = dir.isEmpty() ? e.name() : dir + "/" + e.name();
            v.visit(path, e);
            if (e.type() == Rootfs.Type.DIRECTORY) {
                walk(root, path, v);
            }
        }
    }
}
