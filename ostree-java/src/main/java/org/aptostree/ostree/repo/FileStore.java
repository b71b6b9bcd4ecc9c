package org.aptostree.ostree.repo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/**
 * The POSIX file attributes OSTree needs, through the JDK's {@code unix:} attribute view: owner, full mode
 * (with setuid/setgid/sticky) and mtime. Xattrs are {@link FileXattrs}'.
 */
final class FileStore {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final FileTime EPOCH = FileTime.fromMillis(0);

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

    static String readSymlinkTarget(Path path) throws IOException {
        return Files.readSymbolicLink(path).toString();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
