package org.aptostree.daemon.compose;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An overlay file system over a tree built on a base commit, for the scripts that run in it. The base's files are
 * hard links to the repository's objects: a script that appends to one would change the object every deployment of
 * the base shares. Under an overlay, the kernel copies a file up before it is changed, so scripts write only into
 * the upper directory; {@link #mergeIntoLower} then moves what they changed into the tree by renaming, which
 * replaces names and never writes through a link. The overlay is mounted in a mount namespace of its own
 * ({@code unshare}), which needs root; the {@code userxattr} option keeps its markers in {@code user.overlay.*},
 * where the JDK can read them.
 */
final class Overlay {
    private static final String PREFIX = "overlay.";

    private final Path lower;
    private final Path upper;
    private final Path work;
    private final Path merged;

    /** An overlay over {@code lower}, with its upper, work and mount directories made in {@code scratch}. */
    Overlay(Path lower, Path scratch) throws IOException {
        this.lower = lower;
        this.upper = Files.createDirectories(scratch.resolve("upper"));
        this.work = Files.createDirectories(scratch.resolve("work"));
        this.merged = Files.createDirectories(scratch.resolve("merged"));
    }

    /** Where the command runs sees the merged tree. */
    Path merged() {
        return merged;
    }

    /**
     * {@code command} run with the overlay mounted at {@link #merged}, in a private mount namespace, with {@code fd9}
     * open as its file descriptor 9 (bwrap reads its seccomp program from one).
     */
    List<String> wrap(List<String> command, Path fd9) {
        List<String> out = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                "mount -t overlay overlay -o userxattr,lowerdir=\"$1\",upperdir=\"$2\",workdir=\"$3\" \"$4\" || exit 125; shift 4; exec \"$@\" 9<\"$0\"",
                fd9.toString(), lower.toString(), upper.toString(), work.toString(), merged.toString()));
        out.addAll(command);
        return out;
    }

    /**
     * Applies what the upper directory holds to the lower tree and empties it: whiteouts delete, an opaque directory
     * replaces the lower one, a directory's metadata is copied, files and symlinks are renamed into place.
     */
    void mergeIntoLower() throws IOException {
        merge(upper, lower);
        OstreeLayout.emptyDirectory(work);
    }

    private void merge(Path upperDir, Path lowerDir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(upperDir)) {
            for (Path u : entries) {
                Path l = lowerDir.resolve(u.getFileName().toString());
                Map<String, Object> a = Files.readAttributes(u, "unix:mode,uid,gid,rdev", LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) a.get("mode");
                int type = mode & 0170000;
                if (type == 0020000 && (Long) a.get("rdev") == 0) {
                    deleteTree(l);
                    Files.delete(u);
                } else if (type == 0040000) {
                    if (!Files.isDirectory(l, LinkOption.NOFOLLOW_LINKS) || isOpaque(u)) {
                        deleteTree(l);
                        Files.createDirectory(l);
                    }
                    merge(u, l);
                    Files.setAttribute(l, "unix:uid", a.get("uid"), LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(l, "unix:gid", a.get("gid"), LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(l, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
                    copyUserXattrs(u, l);
                    Files.delete(u);
                } else {
                    if (Files.isDirectory(l, LinkOption.NOFOLLOW_LINKS)) {
                        deleteTree(l);
                    }
                    if (type == 0100000) {
                        dropOverlayXattrs(u);
                    }
                    Files.move(u, l, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        }
    }

    private static boolean isOpaque(Path dir) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(dir, UserDefinedFileAttributeView.class);
        return view.list().contains(PREFIX + "opaque");
    }

    /** A merged directory's own user xattrs (not the overlay's markers), replacing the lower directory's. */
    private static void copyUserXattrs(Path from, Path to) throws IOException {
        UserDefinedFileAttributeView src = Files.getFileAttributeView(from, UserDefinedFileAttributeView.class);
        UserDefinedFileAttributeView dst = Files.getFileAttributeView(to, UserDefinedFileAttributeView.class);
        List<String> wanted = src.list().stream().filter(n -> !n.startsWith(PREFIX)).toList();
        for (String name : dst.list()) {
            if (!wanted.contains(name)) {
                dst.delete(name);
            }
        }
        for (String name : wanted) {
            ByteBuffer value = ByteBuffer.allocate(src.size(name));
            src.read(name, value);
            value.flip();
            dst.write(name, value);
        }
    }

    private static void dropOverlayXattrs(Path file) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        for (String name : view.list()) {
            if (name.startsWith(PREFIX)) {
                view.delete(name);
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            OstreeLayout.emptyDirectory(p);
        }
        Files.deleteIfExists(p);
    }

}
