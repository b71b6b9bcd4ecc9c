package org.aptostree.daemon.transaction;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.aptostree.daemon.system.BaseRefs;
import org.aptostree.daemon.system.SystemRoot;
import org.aptostree.daemon.transaction.TransactionException.Kind;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.sysroot.Deployer;
import org.aptostree.ostree.sysroot.Deployment;
import org.aptostree.ostree.sysroot.StagedDeployment;
import org.aptostree.ostree.sysroot.Sysroot;

/**
 * {@code cleanup}, as rpm-ostree's: {@code -p} removes the pending deployment (the staged one, or on a booted host
 * a default that is not booted), {@code -r} the rollback deployment, {@code -b} what no deployment uses (old boot
 * and deployment directories, unreferenced objects), {@code -m} the package and index cache.
 */
public final class CleanupTransaction extends Transaction {
    /** Which parts to clean. */
    public record What(boolean pending, boolean rollback, boolean base, boolean cache) {
        public boolean any() {
            return pending || rollback || base || cache;
        }
    }

    private final SystemRoot system;
    private final What what;

    public CleanupTransaction(Initiator initiator, SystemRoot system, What what) {
        super("cleanup", initiator);
        this.system = system;
        this.what = what;
    }

    @Override
    public TransactionResult execute(TransactionContext context) throws TransactionException {
        if (!what.any()) {
            throw new TransactionException(Kind.INVALID_ARGUMENT, "Cleanup requires at least one of -p, -r, -b, -m");
        }
        context.update(TransactionState.PREPARING, "Loading the deployments", 5);
        Sysroot sysroot = system.load();
        String osname = system.osname(sysroot);
        List<String> out = new ArrayList<>();
        try (Deployer deployer = SysrootLocks.lock(system, context)) {
            context.update(TransactionState.DEPLOYING, "Removing deployments", 30);
            if (what.pending()) {
                Path staged = StagedDeployment.runDir(system.path()).resolve("staged-deployment");
                if (Files.deleteIfExists(staged)) {
                    out.add("Deleted staged deployment");
                }
                Optional<Deployment> booted = sysroot.booted();
                if (booted.isPresent() && !sysroot.deployments().get(0).sameDeployment(booted.get())) {
                    deployer.undeploy(0);
                    out.add("Deleted pending deployment " + sysroot.deployments().get(0).dirName());
                }
            }
            if (what.rollback()) {
                Sysroot now = system.load();
                int booted = 0;
                for (int i = 0; i < now.deployments().size(); i++) {
                    if (now.booted().map(now.deployments().get(i)::sameDeployment).orElse(false)) {
                        booted = i;
                    }
                }
                if (now.deployments().size() > booted + 1) {
                    Deployment rollback = now.deployments().get(booted + 1);
                    deployer.undeploy(booted + 1);
                    out.add("Deleted rollback deployment " + rollback.dirName());
                }
            }
            if (what.base() || what.pending() || what.rollback()) {
                var repo = system.load().repo();
                BaseRefs.keep(repo, BaseRefs.inUse(repo, system.load(), List.of()));
            }
            if (what.base() || what.pending()) {
                context.update(TransactionState.FINALIZING, "Pruning the repository", 60);
                deployer.cleanup();
                out.add("Freed objects no deployment uses");
            }
            if (what.cache()) {
                Path cache = system.cacheDirectory(osname);
                if (Files.isDirectory(cache)) {
                    try (var paths = Files.walk(cache)) {
                        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                            Files.delete(p);
                        }
                    }
                }
                out.add("Cleared the package and index cache " + cache);
            }
        } catch (IOException | OstreeFormatException | IllegalArgumentException e) {
            throw new TransactionException(Kind.FAILED, "cleanup failed: " + e.getMessage(), e);
        }
        context.update(TransactionState.FINALIZING, "Done", 100);
        return TransactionResult.done(out);
    }
}
