package org.aptostree.ostree.oci;

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
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The {@code oci-archive:} transport: an OCI layout in a tar file. Written with fixed owners, modes and times in
 * name order, so the same layout gives the same archive; {@link LocalImageSource} reads one in place.
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
}
