package org.aptostree.ostree.oci;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.aptostree.ostree.OstreeFormatException;

/**
 * The {@code oci-archive:} transport: an OCI layout in a tar file. Written with fixed owners, modes and times in
 * name order, so the same layout gives the same archive; read by extracting only the layout's own files.
 */
public final class OciArchive {
    private OciArchive() {
    }

    /** Writes {@code layout} as a tar archive at {@code file}, through a temporary file renamed into place. */
    public static void write(OciLayout layout, Path file) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp-" + UUID.randomUUID());
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(os)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            dir(tar, "blobs/");
            dir(tar, "blobs/sha256/");
            List<Path> blobs;
            try (Stream<Path> s = Files.list(layout.path().resolve("blobs/sha256"))) {
                blobs = new ArrayList<>(s.filter(p -> Digest.isHex64(p.getFileName().toString())).sorted().toList());
            }
            for (Path b : blobs) {
                file(tar, "blobs/sha256/" + b.getFileName(), b);
            }
            file(tar, "index.json", layout.path().resolve("index.json"));
            file(tar, "oci-layout", layout.path().resolve("oci-layout"));
            tar.finish();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static TarArchiveEntry entry(String name, boolean dir) {
        TarArchiveEntry e = new TarArchiveEntry(name, dir ? TarArchiveEntry.LF_DIR : TarArchiveEntry.LF_NORMAL);
        e.setModTime(new Date(0));
        e.setIds(0, 0);
        e.setNames("", "");
        e.setMode(dir ? 040755 : 0100644);
        return e;
    }

    private static void dir(TarArchiveOutputStream tar, String name) throws IOException {
        tar.putArchiveEntry(entry(name, true));
        tar.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream tar, String name, Path p) throws IOException {
        TarArchiveEntry e = entry(name, false);
        e.setSize(Files.size(p));
        tar.putArchiveEntry(e);
        try (InputStream in = Files.newInputStream(p)) {
            in.transferTo(tar);
        }
        tar.closeArchiveEntry();
    }

    /**
     * Extracts an archive's layout into {@code dir} (which should be empty): {@code oci-layout}, {@code index.json}
     * and {@code blobs/sha256/<hex>} regular files only; anything else is skipped, so no path escapes {@code dir}.
     */
    public static OciLayout extract(Path file, Path dir) throws IOException, OstreeFormatException {
        OciLayout layout = OciLayout.create(dir);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (!e.isFile()) {
                    continue;
                }
                String name = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
                Path target;
                if (name.equals("index.json") || name.equals("oci-layout")) {
                    if (e.getSize() > ImageManifest.MAX_SIZE) {
                        throw new OstreeFormatException(name + " in " + file + " is larger than " + ImageManifest.MAX_SIZE + " bytes");
                    }
                    target = dir.resolve(name);
                } else if (name.startsWith("blobs/sha256/") && Digest.isHex64(name.substring("blobs/sha256/".length()))) {
                    target = dir.resolve(name);
                } else {
                    continue;
                }
                Path tmp = dir.resolve(".extract-" + UUID.randomUUID());
                Files.copy(tar, tmp);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IllegalArgumentException e) {
            throw new OstreeFormatException("invalid tar archive " + file + ": " + e.getMessage());
        }
        if (!Files.isRegularFile(dir.resolve("index.json"))) {
            throw new OstreeFormatException(file + " is not an OCI archive: it has no index.json");
        }
        return layout;
    }
}
