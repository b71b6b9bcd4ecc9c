package org.aptostree.daemon.compose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.aptostree.deb.archive.DebReader;
import org.aptostree.deb.control.Paragraph;
import org.aptostree.deb.dpkg.DpkgDatabase;

/**
 * The pipeline's unpack stage: packages into a {@link BuildRoot} through its dpkg database, in order, as
 * {@code dpkg --unpack} would, their owners recorded in the root's {@link OwnershipTable}. The next packages are
 * decoded on other threads meanwhile: decoding xz is the cost of unpacking, and it is independent for each package.
 */
final class Unpacker {
    /**
     * How far decoding runs ahead of the package being unpacked: at most this many .deb bytes (compressed, about a
     * quarter of what decoding them holds in memory), and at least the next package. A window of a few packages
     * left a core idle while another decoded a large one (coreutils, libc6) that unpacking waited for.
     */
    private static final long DECODE_AHEAD_BYTES = 32L << 20;
    /** Larger packages (by Installed-Size) are decoded while they are unpacked instead of into memory first. */
    private static final long DECODE_IN_MEMORY_KIB = 256 * 1024;

    /** The unpacked packages' status stanzas, and the newest modification time of their files. */
    record Result(List<Paragraph> stanzas, long newestMtime) {
    }

    private final BuildRoot build;
    private final DpkgDatabase db;
    private final ComposeProgress progress;

    Unpacker(BuildRoot build, DpkgDatabase db, ComposeProgress progress) {
        this.build = build;
        this.db = db;
        this.progress = progress;
    }

    /** Unpacks {@code debs} (the files of {@code packages}, in the same order) and writes the database. */
    Result unpack(List<LockedPackage> packages, List<Path> debs) throws IOException {
        try (Decoding decoding = new Decoding(packages, debs)) {
            return unpack(decoding);
        }
    }

    /** Unpacks what {@code decoding} decodes, in its order, and writes the database. */
    Result unpack(Decoding decoding) throws IOException {
        OwnershipTable owners = build.owners();
        AtomicLong newest = new AtomicLong();
        List<Paragraph> stanzas = new ArrayList<>();
        List<LockedPackage> packages = decoding.packages;
        for (int i = 0; i < packages.size(); i++) {
            LockedPackage p = packages.get(i);
            try (DebReader deb = decoding.take(i)) {
                stanzas.add(db.unpack(deb, (path, entry) -> {
                    owners.set(path, (int) entry.uid(), (int) entry.gid());
                    newest.accumulateAndGet(entry.mtime(), Math::max);
                }));
            } catch (DpkgDatabase.FileConflictException e) {
                throw e;
            } catch (IOException e) {
                throw new ComposeException("unpacking " + p.name() + " " + p.version() + ": " + e.getMessage());
            }
            progress.step(ComposeProgress.Phase.UNPACK, i + 1, packages.size(), p.name());
        }
        db.write();
        return new Result(stanzas, newest.get());
    }

    /**
     * The packages' .debs being decoded on all cores, a window ahead of their unpacking; started as soon as the files
     * are there, so that decoding also runs while the tree they go into is still being made.
     */
    static final class Decoding implements AutoCloseable {
        private final List<LockedPackage> packages;
        private final List<Path> debs;
        private final ExecutorService decoders;
        private final List<Future<DebReader>> decoded = new ArrayList<>();
        private long ahead;

        /** Starts decoding {@code debs}, the files of {@code packages} in the same order. */
        Decoding(List<LockedPackage> packages, List<Path> debs) {
            this.packages = List.copyOf(packages);
            this.debs = List.copyOf(debs);
            this.decoders = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()), r -> {
                Thread t = new Thread(r, "deb-decoder");
                t.setDaemon(true);
                return t;
            });
            fill(0);
        }

        /** Keeps decoding at least the package after {@code next}, and more within {@link #DECODE_AHEAD_BYTES}. */
        private void fill(int next) {
            while (decoded.size() < packages.size() && (decoded.size() <= next + 1
                    || ahead + packages.get(decoded.size()).size() <= DECODE_AHEAD_BYTES)) {
                Path deb = debs.get(decoded.size());
                ahead += packages.get(decoded.size()).size();
                decoded.add(decoders.submit(() -> decode(deb)));
            }
        }

        /** The {@code i}th package, decoded (taken once, in order). */
        DebReader take(int i) throws IOException {
            fill(i);
            DebReader deb = await(decoded.get(i));
            decoded.set(i, null);
            ahead -= packages.get(i).size();
            return deb;
        }

        /** Stops decoding; what was decoded and not taken is dropped. */
        @Override
        public void close() {
            decoders.shutdownNow();
            for (Future<DebReader> f : decoded) {
                if (f != null && f.isDone() && !f.isCancelled()) {
                    try {
                        f.get().close();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (ExecutionException | IOException | RuntimeException e) {
                        // Nothing of it is used; its failure, if any, was the reason to stop.
                    }
                }
            }
        }
    }

    private static DebReader decode(Path file) throws IOException {
        DebReader deb = DebReader.open(Files.newInputStream(file));
        try {
            String size = deb.control().control().valueOrNull("Installed-Size");
            if (size == null || !size.strip().matches("\\d{1,12}") || Long.parseLong(size.strip()) <= DECODE_IN_MEMORY_KIB) {
                deb.decodeData();
            }
            return deb;
        } catch (IOException | RuntimeException e) {
            deb.close();
            throw e;
        }
    }

    private static DebReader await(Future<DebReader> f) throws IOException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
