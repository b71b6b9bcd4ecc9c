package org.aptostree.ostree.repo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.aptostree.ostree.object.Xattr;

/**
 * The POSIX file attributes OSTree needs, through the JDK's {@code unix:} attribute view: owner, full mode
 * (with setuid/setgid/sticky), mtime and {@code user.} xattrs. The JDK cannot reach other xattr namespaces.
 */
final class FileStore {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final FileTime EPOCH = FileTime.fromMillis(0);
    private static final String USER_PREFIX = "user.";

    private FileStore() {
    }

    /** uid, gid and st_mode of a path, not following symlinks. */
    record Stat(int uid, int gid, int mode, long size, long inode, int nlink) {
    }

    static Stat stat(Path path) throws IOException {
        Map<String, Object> a = Files.readAttributes(path, "unix:uid,gid,mode,size,ino,nlink", NOFOLLOW);
        return new Stat((Integer) a.get("uid"), (Integer) a.get("gid"), (Integer) a.get("mode"),
                (Long) a.get("size"), (Long) a.get("ino"), (Integer) a.get("nlink"));
    }

    static void chmod(Path path, int mode) throws IOException {
        Files.setAttribute(path, "unix:mode", mode & 07777, NOFOLLOW);
    }

    /**
     * {@link #chmod} of a regular file this process has just made in its own directory, so no symlink can stand
     * there: one chmod(2), where not following links costs the JDK an open, an fchmod and a close.
     */
    static void chmodOwnFile(Path path, int mode) throws IOException {
        Files.setAttribute(path, "unix:mode", mode & 07777);
    }

    static void chown(Path path, int uid, int gid) throws IOException {
        Files.setAttribute(path, "unix:uid", uid, NOFOLLOW);
        Files.setAttribute(path, "unix:gid", gid, NOFOLLOW);
    }

    static void zeroMtime(Path path) throws IOException {
        Files.getFileAttributeView(path, BasicFileAttributeView.class, NOFOLLOW).setTimes(EPOCH, null, null);
    }

    /**
     * {@link #zeroMtime} for a path known to be a regular file, in fewer system calls: no check for a symlink, and
     * the access time is zeroed too rather than read back first (objects' access times mean nothing to OSTree).
     */
    static void zeroTimesOfRegularFile(Path path) throws IOException {
        Files.getFileAttributeView(path, BasicFileAttributeView.class).setTimes(EPOCH, EPOCH, null);
    }

    /** The {@code user.} xattrs of a regular file or directory (symlinks cannot carry them on Linux). */
    static List<Xattr> readUserXattrs(Path path) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(path, UserDefinedFileAttributeView.class);
        if (view == null) {
            return List.of();
        }
        List<String> names;
        try {
            names = view.list();
        } catch (IOException e) {
            if (isUnsupported(e)) {
                return List.of();
            }
            throw e;
        }
        List<Xattr> xattrs = new ArrayList<>(names.size());
        for (String name : names) {
            xattrs.add(new Xattr(USER_PREFIX + name, readXattr(view, name)));
        }
        return xattrs;
    }

    static byte[] readUserXattr(Path path, String nameWithoutPrefix) throws IOException {
        return readXattr(Files.getFileAttributeView(path, UserDefinedFileAttributeView.class), nameWithoutPrefix);
    }

    private static byte[] readXattr(UserDefinedFileAttributeView view, String name) throws IOException {
        // Each JDK xattr call opens the file; most values are small, so try one read before asking the size.
        ByteBuffer buf = ByteBuffer.allocate(1024);
        try {
            view.read(name, buf);
        } catch (IOException tooSmall) {
            buf = ByteBuffer.allocate(view.size(name));
            view.read(name, buf);
        }
        buf.flip();
        byte[] out = new byte[buf.remaining()];
        buf.get(out);
        return out;
    }

    static void writeUserXattr(Path path, String nameWithoutPrefix, byte[] value) throws IOException {
        Files.getFileAttributeView(path, UserDefinedFileAttributeView.class).write(nameWithoutPrefix, ByteBuffer.wrap(value));
    }

    /** Applies xattrs; only the {@code user.} namespace is reachable from the JDK, others are refused. */
    static void writeXattrs(Path path, List<Xattr> xattrs) throws IOException {
        for (Xattr x : xattrs) {
            if (!x.name().startsWith(USER_PREFIX)) {
                throw new IOException("cannot set xattr " + x.name() + " on " + path + ": only user.* xattrs are supported");
            }
            writeUserXattr(path, x.name().substring(USER_PREFIX.length()), x.value());
        }
    }

    private static boolean isUnsupported(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("not supported") || m.contains("Operation not supported");
    }

    static String readSymlinkTarget(Path path) throws IOException {
        return Files.readSymbolicLink(path).toString();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
