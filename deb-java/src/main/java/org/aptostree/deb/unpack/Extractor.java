package org.aptostree.deb.unpack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.archive.TarEntry;
import org.aptostree.deb.archive.TarReader;

/**
 * Writes the entries of a data tar below a root directory without ever writing outside it:
 * absolute names and {@code ..} are refused, no existing symlink is followed (neither in the
 * parents of an entry nor at the entry itself: such entries are refused), hard links must point
 * to an entry already extracted, device nodes and FIFOs are refused, and the total size written
 * is capped (decompression bombs). Directory modes and times are applied at the end so that
 * read-only directories can be filled first.
 */
public final class Extractor {

    /**
     * Extraction settings.
     *
     * @param preserveOwnership set uid/gid from the archive (needs root), as {@code dpkg --unpack}
     * @param maxTotalBytes     largest total size of regular files accepted
     */
    public record Options(boolean preserveOwnership, long maxTotalBytes) {
        /** Modes and times kept, ownership not (like {@code dpkg-deb -x} run by a user), 64 GiB cap. */
        public static Options defaults() {
            return new Options(false, 64L << 30);
        }
    }

    private final Path root;
    private final Options options;
    private final List<Runnable> deferred = new ArrayList<>();
    private final List<IOException> deferredFailures = new ArrayList<>();
    private long written;

    /** An extractor into {@code root}, which must exist and be a directory (not a symlink). */
    public Extractor(Path root, Options options) throws IOException {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("not a directory: " + root);
        }
        this.root = root.toAbsolutePath().normalize();
        this.options = options;
    }

    /** Extracts every entry of {@code data}; returns the entries in order. */
    public List<TarEntry> extractAll(TarReader data) throws IOException {
        List<TarEntry> entries = new ArrayList<>();
        for (TarEntry e = data.next(); e != null; e = data.next()) {
            extract(e, data.content());
            entries.add(e);
        }
        finish();
        return entries;
    }

    /** Extracts one entry whose file data (for regular files) is {@code content}. */
    public void extract(TarEntry entry, InputStream content) throws IOException {
        SafePath path = SafePath.of(entry.name());
        Path target = resolveParentsSafely(path, entry.name());
        switch (entry.type()) {
            case DIRECTORY -> {
                if (!path.isRoot()) {
                    if (Files.isSymbolicLink(target)) {
                        throw new DebFormatException("unsafe path '" + entry.name() + "': an existing symlink is in the way");
                    }
                    if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                        Files.deleteIfExists(target);
                        Files.createDirectory(target);
                    }
                }
                Path dir = target;
                deferred.add(() -> applyMetadata(dir, entry, false));
            }
            case FILE -> {
                written += entry.size();
                if (written > options.maxTotalBytes()) {
                    throw new DebFormatException("archive expands beyond the limit of " + options.maxTotalBytes() + " bytes");
                }
                replaceNonDirectory(target, entry.name());
                try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    content.transferTo(out);
                }
                applyMetadata(target, entry, false);
            }
            case SYMLINK -> {
                replaceNonDirectory(target, entry.name());
                Files.createSymbolicLink(target, Path.of(entry.linkTarget()));
                applyMetadata(target, entry, true);
            }
            case HARD_LINK -> {
                SafePath linkPath = SafePath.of(entry.linkTarget());
                Path existing = resolveParentsSafely(linkPath, entry.linkTarget());
                if (!Files.isRegularFile(existing, LinkOption.NOFOLLOW_LINKS)) {
                    throw new DebFormatException("hard link '" + entry.name() + "' to '" + entry.linkTarget()
                            + "', which is not a regular file extracted before");
                }
                replaceNonDirectory(target, entry.name());
                Files.createLink(target, existing);
            }
            case CHAR_DEVICE, BLOCK_DEVICE -> throw new DebFormatException("refusing device node '" + entry.name() + "'");
            case FIFO -> throw new DebFormatException("refusing FIFO '" + entry.name() + "'");
            default -> throw new IllegalStateException(entry.type().toString());
        }
    }

    /** Applies the deferred directory metadata (deepest first). */
    public void finish() throws IOException {
        for (int i = deferred.size() - 1; i >= 0; i--) {
            deferred.get(i).run();
        }
        deferred.clear();
        if (!deferredFailures.isEmpty()) {
            throw deferredFailures.get(0);
        }
    }

    /** The total size of regular files written so far. */
    public long bytesWritten() {
        return written;
    }

    /** The absolute path for {@code path}; every existing parent must be a real directory. */
    private Path resolveParentsSafely(SafePath path, String name) throws IOException {
        Path current = root;
        List<String> parts = path.components();
        for (int i = 0; i < parts.size(); i++) {
            current = current.resolve(parts.get(i));
            if (i < parts.size() - 1) {
                if (Files.isSymbolicLink(current)) {
                    throw new DebFormatException("unsafe path '" + name + "': goes through the symlink '"
                            + root.relativize(current) + "'");
                }
                if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                    if (Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                        throw new DebFormatException("path '" + name + "': '" + root.relativize(current) + "' is not a directory");
                    }
                    // dpkg creates missing parents of entries that lack a directory entry.
                    Files.createDirectory(current);
                }
            }
        }
        return current;
    }

    private void replaceNonDirectory(Path target, String name) throws IOException {
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new DebFormatException("'" + name + "' would replace a directory");
        }
        // Deleting (never opening) an existing symlink means it is not followed.
        try {
            Files.deleteIfExists(target);
        } catch (FileAlreadyExistsException e) {
            throw new DebFormatException("cannot replace '" + name + "'");
        }
    }

    private void applyMetadata(Path target, TarEntry entry, boolean symlink) {
        try {
            if (options.preserveOwnership()) {
                Files.setAttribute(target, "unix:uid", (int) entry.uid(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(target, "unix:gid", (int) entry.gid(), LinkOption.NOFOLLOW_LINKS);
            }
            if (!symlink) {
                Files.setAttribute(target, "unix:mode", entry.mode(), LinkOption.NOFOLLOW_LINKS);
            }
            Files.getFileAttributeView(target, java.nio.file.attribute.BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(FileTime.from(entry.mtime(), java.util.concurrent.TimeUnit.SECONDS), null, null);
        } catch (IOException e) {
            deferredFailures.add(e);
        } catch (UnsupportedOperationException e) {
            deferredFailures.add(new IOException("cannot set attributes of " + target + ": " + e.getMessage(), e));
        }
    }
}
