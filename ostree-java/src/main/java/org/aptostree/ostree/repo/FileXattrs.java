package org.aptostree.ostree.repo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;

import org.aptostree.ostree.object.Xattr;

/**
 * The extended attributes of files on disk, read as libostree reads them (libglnx's {@code glnx_fd_get_all_xattrs}):
 * in strcmp order of their names, leaving out any whose value is empty, as if it were not there. Every path that
 * takes xattrs from disk (commit of a directory, objects of bare repositories, a deployment's copy of /etc) reads
 * them here, so that what it hashes or copies is what ostree would. The JDK reaches the {@code user.} namespace
 * only, and no xattrs of symlinks.
 */
public final class FileXattrs {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final String USER_PREFIX = "user.";

    private FileXattrs() {
    }

    /** The xattrs of a regular file or directory; a symlink is refused rather than followed. */
    public static List<Xattr> read(Path path) throws IOException {
        return read(path, false);
    }

    /**
     * Every xattr of a regular file or directory, empty values too, in strcmp order: what a checkout wrote from an
     * object's own list, where libostree takes that list rather than what it would read from disk (as it does for a
     * deployment's directories in /etc, which come from their dirmeta).
     */
    public static List<Xattr> readIncludingEmpty(Path path) throws IOException {
        return read(path, true);
    }

    private static List<Xattr> read(Path path, boolean includingEmpty) throws IOException {
        UserDefinedFileAttributeView view = view(path);
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
            byte[] value = read(view, name);
            // libglnx skips a value of length 0 (glnx-xattrs.c, read_xattr_name_array).
            if (value.length > 0 || includingEmpty) {
                xattrs.add(new Xattr(USER_PREFIX + name, value));
            }
        }
        xattrs.sort(Xattr.ORDER);
        return xattrs;
    }

    /**
     * Sets each xattr on a regular file or directory, empty values included (as {@code glnx_fd_set_all_xattrs});
     * others the file has are kept. Only {@code user.} xattrs can be set from the JDK; others are refused.
     */
    public static void write(Path path, List<Xattr> xattrs) throws IOException {
        for (Xattr x : xattrs) {
            if (!x.name().startsWith(USER_PREFIX)) {
                throw new IOException("cannot set xattr " + x.name() + " on " + path + ": only user.* xattrs are supported");
            }
            writeUser(path, x.name().substring(USER_PREFIX.length()), x.value());
        }
    }

    /**
     * Removes the {@code user.} xattrs of a directory or regular file that {@code keep} does not name: a checkout into
     * an existing tree leaves only the object's own.
     */
    static void removeOtherUser(Path path, List<Xattr> keep) throws IOException {
        UserDefinedFileAttributeView view = view(path);
        List<String> names;
        try {
            names = view.list();
        } catch (IOException e) {
            if (isUnsupported(e)) {
                return;
            }
            throw e;
        }
        for (String name : names) {
            if (keep.stream().noneMatch(x -> x.name().equals(USER_PREFIX + name))) {
                view.delete(name);
            }
        }
    }

    /** {@link #write}s onto {@code target} the xattrs {@link #read} from {@code source}. */
    public static void copy(Path source, Path target) throws IOException {
        write(target, read(source));
    }

    /** One {@code user.} xattr, whatever its length (bare-user's {@code user.ostreemeta}). */
    static byte[] readUser(Path path, String nameWithoutPrefix) throws IOException {
        return read(view(path), nameWithoutPrefix);
    }

    static void writeUser(Path path, String nameWithoutPrefix, byte[] value) throws IOException {
        view(path).write(nameWithoutPrefix, ByteBuffer.wrap(value));
    }

    private static UserDefinedFileAttributeView view(Path path) {
        return Files.getFileAttributeView(path, UserDefinedFileAttributeView.class, NOFOLLOW);
    }

    private static byte[] read(UserDefinedFileAttributeView view, String name) throws IOException {
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

    private static boolean isUnsupported(IOException e) {
        return String.valueOf(e.getMessage()).contains("not supported");
    }
}
