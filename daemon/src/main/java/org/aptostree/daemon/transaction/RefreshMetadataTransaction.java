package org.aptostree.daemon.transaction;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.aptostree.daemon.compose.AptSources;
import org.aptostree.daemon.system.PackageQueries;
import org.aptostree.daemon.system.SystemRoot;
import org.aptostree.daemon.transaction.TransactionException.Kind;
import org.aptostree.ostree.sysroot.Deployment;

/**
 * {@code refresh-md}: fetches the deployment's APT indexes into {@code /var/cache/apt-ostree}, verified as a
 * compose verifies them (InRelease signature, then each index's SHA-256); {@code -f} drops the cached release
 * files first.
 */
public final class RefreshMetadataTransaction extends Transaction {
    private final SystemRoot system;
    private final boolean force;

    public RefreshMetadataTransaction(Initiator initiator, SystemRoot system, boolean force) {
        super("refresh-md", initiator);
        this.system = system;
        this.force = force;
    }

    @Override
    public TransactionResult execute(TransactionContext context) throws TransactionException {
        context.update(TransactionState.PREPARING, "Loading the deployment's APT sources", 5);
        Deployment merge = system.mergeDeployment(system.load());
        Path cache = system.cacheDirectory(merge.osname());
        try {
            if (force && Files.isDirectory(cache.resolve("lists"))) {
                try (var paths = Files.walk(cache.resolve("lists"))) {
                    for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            context.update(TransactionState.DOWNLOADING, "Fetching and verifying the package indexes", 20);
            List<String> indexes = new AptSources(merge.dir(system.path()), cache, false)
                    .refresh(new PackageQueries(system).architecture(merge));
            List<String> out = new ArrayList<>();
            indexes.forEach(i -> out.add("Updated " + i));
            out.add(indexes.size() + " index(es) verified and cached in " + cache);
            context.update(TransactionState.FINALIZING, "Done", 100);
            return TransactionResult.done(out);
        } catch (IOException e) {
            throw new TransactionException(Kind.NETWORK, "refreshing the package indexes failed: " + e.getMessage(), e);
        }
    }
}
