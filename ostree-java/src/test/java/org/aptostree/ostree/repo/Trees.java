package org.aptostree.ostree.repo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** Comparing and removing file trees in tests. */
public final class Trees {
    private Trees() {
    }

    /** As {@link #listing} with modes, plus uid and gid of every path. */
    public static List<String> listingWithOwners(Path root) throws IOException {
        List<String> lines = new ArrayList<>();
        List<String> base = listing(root, true);
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> paths = walk.sorted().toList();
            for (int i = 0; i < paths.size(); i++) {
                Path p = paths.get(i);
                lines.add(base.get(i) + " " + Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)
                        + ":" + Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS));
            }
        }
        return lines;
    }

    /** One line per path: type, mode (when asked), size and content hash or link target. */
    public static List<String> listing(Path root, boolean withMode) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                String rel = root.relativize(p).toString();
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                String m = withMode ? String.format(" %o", mode & 07777) : "";
                if (Files.isSymbolicLink(p)) {
                    lines.add("l " + rel + " -> " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    lines.add("d " + rel + m);
                } else {
                    lines.add("f " + rel + m + " " + sha256(p));
                }
            }
        }
        return lines;
    }

    private static String sha256(Path p) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies a tree: directories, files and symlinks, files with their modes, times and user xattrs. */
    public static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, LinkOption.NOFOLLOW_LINKS, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted((a, b) -> b.compareTo(a))::iterator) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setAttribute(p, "unix:mode", 0700);
                }
                Files.delete(p);
            }
        }
    }
}
