package org.aptostree.ostree.repo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
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

    /**
     * uid, gid, st_mode, size, link count and identity of a path, not following symlinks. {@code file} is the JDK's
     * file key, equal for two names of one inode (it holds the device and inode numbers).
     */
    record Stat(int uid, int gid, int mode, long size, Object file, int nlink) {
    }

    static Stat stat(Path path) throws IOException {
        Map<String, Object> a = Files.readAttributes(path, "unix:uid,gid,mode,size,fileKey,nlink", NOFOLLOW);
        return new Stat((Integer) a.get("uid"), (Integer) a.get("gid"), (Integer) a.get("mode"),
                (Long) a.get("size"), a.get("fileKey"), (Integer) a.get("nlink"));
    }

    /** A path's size and identity (as {@link Stat#file}), not following symlinks. */
    record Identity(long size, Object file) {
    }

    /**
     * {@link Identity}, from the JDK's basic attributes: a checkout asks it of every object it links, and the unix
     * view's attribute map ({@link #stat}) costs as much again as the lstat itself and allocates a map per call.
     */
    static Identity identity(Path path) throws IOException {
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW);
        return new Identity(a.size(), a.fileKey());
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
