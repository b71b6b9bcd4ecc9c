package org.aptostree.daemon.transaction;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;

import org.aptostree.daemon.system.SystemRoot;
import org.aptostree.daemon.system.TransactionLock;
import org.aptostree.daemon.transaction.TransactionException.Kind;

/**
 * Runs a transaction in this process (the CLI's direct mode): with the system's transaction lock, or not at all
 * when another transaction holds it ("Transaction in progress"), never waiting. Scratch space a killed transaction
 * left behind is removed first.
 */
public final class DirectMode {
    private DirectMode() {
    }

    public static TransactionResult run(SystemRoot system, Transaction transaction, TransactionListener listener)
            throws TransactionException {
        return run(system, transaction, new TransactionContext(listener));
    }

    /**
     * Runs {@code transaction} in {@code context}, which its owner may {@link TransactionContext#cancel() cancel}
     * from another thread (the daemon's Cancel, a CLI's Ctrl-C).
     */
    public static TransactionResult run(SystemRoot system, Transaction transaction, TransactionContext context)
            throws TransactionException {
        String osname = system.osname(system.load());
        TransactionLock.Attempt attempt;
        try {
            attempt = TransactionLock.tryAcquire(system.transactionLockFile(osname), transaction.title());
        } catch (IOException e) {
            throw new TransactionException(Kind.FAILED, "cannot take the transaction lock " + system.transactionLockFile(osname) + ": "
                    + e.getMessage(), e);
        }
        if (attempt.lock().isEmpty()) {
            throw inProgress(attempt.holder());
        }
        try (TransactionLock lock = attempt.lock().get()) {
            removeScratch(system);
            return transaction.execute(context);
        } catch (IOException e) {
            throw new TransactionException(Kind.FAILED, "releasing the transaction lock: " + e.getMessage(), e);
        }
    }

    /** rpm-ostree's message for a busy system. */
    public static TransactionException inProgress(Optional<TransactionLock.Holder> holder) {
        return new TransactionException(Kind.FAILED, "Transaction in progress: " + holder.map(Object::toString).orElse("(unknown)")
                + ". You can cancel the current transaction with `apt-ostree cancel`");
    }

    /**
     * Removes what interrupted transactions left in the repository's scratch directory (never anything a deployment
     * uses). Only the holder of the transaction lock may call it.
     */
    public static void removeScratch(SystemRoot system) throws TransactionException {
        Path scratch = system.path().resolve("ostree/repo/tmp/apt-ostree");
        if (!Files.isDirectory(scratch)) {
            return;
        }
        try (var paths = Files.walk(scratch)) {
            java.util.List<Path> all = paths.toList();
            for (Path p : all) {
                // A staged tree may hold directories its owner cannot write (0555 in packages): opened up first.
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.setAttribute(p, "unix:mode", 0700, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                }
            }
            for (Path p : all.stream().sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(scratch)) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new TransactionException(Kind.FAILED, "cannot remove the leftovers of an interrupted transaction in " + scratch + ": "
                    + e.getMessage(), e);
        }
    }
}
