package org.aptostree.ostree.sysroot;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.aptostree.ostree.object.Xattr;
import org.aptostree.ostree.repo.FileXattrs;

/**
 * The 3-way merge of /etc on upgrade, as libostree does it: the changes an administrator made in the old
 * deployment ({@code usr/etc} → {@code etc}, ignoring xattrs) are applied to the new deployment's {@code etc}.
 * Removed paths are removed; modified and added ones are copied over, with their xattrs as libostree reads them,
 * so the local version always wins.
 */
public final class EtcMerge {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    /** What differs between a deployment's default and live /etc, as relative paths. */
    public record Diff(List<String> modified, List<String> removed, List<String> added) {
    }

    private EtcMerge() {
    }

    public static Diff diff(Path defaults, Path live) throws IOException {
        List<String> modified = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> added = new ArrayList<>();
        walk(defaults, live, "", modified, removed, added);
        return new Diff(List.copyOf(modified), List.copyOf(removed), List.copyOf(added));
    }

    private static void walk(Path a, Path b, String rel, List<String> modified, List<String> removed, List<String> added) throws IOException {
        TreeSet<String> names = new TreeSet<>();
        names.addAll(list(a));
        names.addAll(list(b));
        for (String name : names) {
            Path pa = a.resolve(name);
            Path pb = b.resolve(name);
            String path = rel.isEmpty() ? name : rel + "/" + name;
            boolean inA = Files.exists(pa, NOFOLLOW);
            boolean inB = Files.exists(pb, NOFOLLOW);
            if (inA && !inB) {
                removed.add(path);
            } else if (!inA) {
                added.add(path);
            } else if (Files.isDirectory(pa, NOFOLLOW) && Files.isDirectory(pb, NOFOLLOW)) {
                if (!sameMeta(pa, pb)) {
                    modified.add(path);
                }
                walk(pa, pb, path, modified, removed, added);
            } else if (!sameFile(pa, pb)) {
                modified.add(path);
            }
        }
    }

    private static List<String> list(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(dir, NOFOLLOW)) {
            return names;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                names.add(p.getFileName().toString());
            }
        }
        return names;
    }

    private static boolean sameMeta(Path a, Path b) throws IOException {
        Map<String, Object> x = Files.readAttributes(a, "unix:mode,uid,gid", NOFOLLOW);
        Map<String, Object> y = Files.readAttributes(b, "unix:mode,uid,gid", NOFOLLOW);
        return x.equals(y);
    }

    private static boolean sameFile(Path a, Path b) throws IOException {
        if (!sameMeta(a, b)) {
            return false;
        }
        if (Files.isSymbolicLink(a)) {
            return Files.readSymbolicLink(a).equals(Files.readSymbolicLink(b));
        }
        if (Files.isRegularFile(a, NOFOLLOW)) {
            return Files.size(a) == Files.size(b) && Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b));
        }
        return true;
    }

    /** Applies the changes of {@code oldDefaults → oldLive} to {@code newLive}; returns what it applied. */
    public static Diff merge(Path oldDefaults, Path oldLive, Path newLive) throws IOException {
        Diff d = diff(oldDefaults, oldLive);
        for (String r : d.removed()) {
            deleteRecursively(newLive.resolve(r));
        }
        for (String m : d.modified()) {
            Path src = oldLive.resolve(m);
            Path dst = newLive.resolve(m);
            if (Files.isDirectory(src, NOFOLLOW)) {
                if (Files.exists(dst, NOFOLLOW) && !Files.isDirectory(dst, NOFOLLOW)) {
                    throw new IOException("Modified config file newly defaults to directory: " + m);
                }
                Files.createDirectories(dst);
                FileXattrs.copy(src, dst);
                copyMeta(src, dst);
            } else {
                if (Files.isDirectory(dst, NOFOLLOW)) {
                    deleteRecursively(dst);
                }
                copy(src, dst);
            }
        }
        for (String a : d.added()) {
            Path dst = newLive.resolve(a);
            deleteRecursively(dst);
            Files.createDirectories(dst.getParent());
            copyTree(oldLive.resolve(a), dst);
        }
        return d;
    }

    /** Copies a tree with modes, owners, xattrs and symlinks (as {@code cp -a}, xattrs as libostree reads them). */
    public static void copyTree(Path src, Path dst) throws IOException {
        copyTree(src, dst, false);
    }

    /**
     * Makes a new deployment's /etc from its /usr/etc as libostree does, by a copying checkout of /usr/etc: so the
     * directories get all the xattrs of their dirmeta, which the checkout of /usr/etc wrote, empty ones too.
     */
    public static void copyDefaults(Path usrEtc, Path etc) throws IOException {
        copyTree(usrEtc, etc, true);
    }

    private static void copyTree(Path src, Path dst, boolean dirXattrsAsCheckedOut) throws IOException {
        if (Files.isDirectory(src, NOFOLLOW)) {
            Files.createDirectories(dst);
            FileXattrs.write(dst, dirXattrsAsCheckedOut ? FileXattrs.readIncludingEmpty(src) : FileXattrs.read(src));
            for (String name : list(src)) {
                copyTree(src.resolve(name), dst.resolve(name), dirXattrsAsCheckedOut);
            }
            copyMeta(src, dst);
        } else {
            copy(src, dst);
        }
    }

    private static void copy(Path src, Path dst) throws IOException {
        if (!Files.isSymbolicLink(src)) {
            // Not COPY_ATTRIBUTES: the JDK would copy every user xattr, where libostree leaves out empty ones.
            Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
            List<Xattr> xattrs = FileXattrs.read(src);
            if (!xattrs.isEmpty()) {
                // Setting a user xattr needs write access; the file's own mode comes after, as in glnx_file_copy_at.
                Files.setAttribute(dst, "unix:mode", 0600, NOFOLLOW);
                FileXattrs.write(dst, xattrs);
            }
            copyMeta(src, dst);
            BasicFileAttributes times = Files.readAttributes(src, BasicFileAttributes.class, NOFOLLOW);
            Files.getFileAttributeView(dst, BasicFileAttributeView.class, NOFOLLOW)
                    .setTimes(times.lastModifiedTime(), times.lastAccessTime(), null);
            return;
        }
        Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        if (EffectiveUser.isRoot()) {
            Map<String, Object> a = Files.readAttributes(src, "unix:uid,gid", NOFOLLOW);
            Files.setAttribute(dst, "unix:uid", a.get("uid"), NOFOLLOW);
            Files.setAttribute(dst, "unix:gid", a.get("gid"), NOFOLLOW);
        }
    }

    private static void copyMeta(Path src, Path dst) throws IOException {
        Map<String, Object> a = Files.readAttributes(src, "unix:mode,uid,gid", NOFOLLOW);
        if (EffectiveUser.isRoot()) {
            Files.setAttribute(dst, "unix:uid", a.get("uid"), NOFOLLOW);
            Files.setAttribute(dst, "unix:gid", a.get("gid"), NOFOLLOW);
        }
        Files.setAttribute(dst, "unix:mode", ((Integer) a.get("mode")) & 07777, NOFOLLOW);
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p, NOFOLLOW)) {
            return;
        }
        if (Files.isDirectory(p, NOFOLLOW)) {
            Files.setAttribute(p, "unix:mode", 0700, NOFOLLOW);
            for (String name : list(p)) {
                deleteRecursively(p.resolve(name));
            }
        }
        Files.delete(p);
    }
}
