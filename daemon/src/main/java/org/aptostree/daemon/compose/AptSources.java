package org.aptostree.daemon.compose;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.aptostree.deb.fetch.Fetcher;
import org.aptostree.deb.index.PackageRecord;
import org.aptostree.deb.sources.SourceEntry;

/**
 * The APT sources of a deployed system ({@code /etc/apt} of its root), their indexes verified and cached as a compose
 * verifies them: what {@code refresh-md}, {@code search} and {@code info} work from.
 */
public final class AptSources {
    private final Path root;
    private final Path cacheDirectory;
    private final boolean offline;

    /**
     * @param root           the system whose {@code /etc/apt} and keyrings are used
     * @param cacheDirectory where verified indexes are cached
     * @param offline        use only what the cache holds
     */
    public AptSources(Path root, Path cacheDirectory, boolean offline) {
        this.root = root;
        this.cacheDirectory = cacheDirectory;
        this.offline = offline;
    }

    /** The source entries, with errors naming the file (and line) that is wrong. */
    public List<SourceEntry> entries() throws IOException {
        List<SourceEntry> entries = PackageSources.ofRoot(root);
        if (entries.isEmpty()) {
            throw new LayeringException(LayeringException.Reason.FETCH, "no APT sources in " + root.resolve("etc/apt")
                    + ": add a .sources file to /etc/apt/sources.list.d");
        }
        return entries;
    }

    /** Fetches (unless offline) and verifies every index for {@code architecture}; returns where each came from. */
    public List<String> refresh(String architecture) throws IOException {
        List<String> out = new ArrayList<>();
        for (PackageSources.VerifiedIndex index : sources().indexes(entries(), architecture)) {
            out.add(index.mirror() + " (" + index.sha256().substring(0, 12) + ")");
        }
        return out;
    }

    /** Every package of every index for {@code architecture} (and {@code all}). */
    public List<PackageRecord> packages(String architecture) throws IOException {
        List<PackageRecord> out = new ArrayList<>();
        for (PackageSources.AvailablePackage a : PackageSources.packages(sources().indexes(entries(), architecture))) {
            String arch = a.record().architecture();
            if (arch.equals(architecture) || arch.equals("all")) {
                out.add(a.record());
            }
        }
        return out;
    }

    private PackageSources sources() {
        return new PackageSources(new Fetcher(cacheDirectory, 4, 3, offline, new Fetcher.Listener() { }), cacheDirectory, offline, root);
    }
}
