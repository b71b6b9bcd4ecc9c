package org.aptostree.daemon.transaction;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.aptostree.daemon.system.AutomaticUpdateRun;
import org.aptostree.daemon.system.DaemonConfig;
import org.aptostree.daemon.system.SystemRoot;
import org.aptostree.daemon.transaction.TransactionException.Kind;

/**
 * rpm-ostree's {@code AutomaticUpdateTrigger}, which {@code apt-ostreed-automatic.timer} starts: applies
 * {@code AutomaticUpdatePolicy=} of {@code apt-ostreed.conf} as it is when the run starts. {@code none} does nothing;
 * {@code check} looks for a newer base ({@code upgrade --check}); {@code stage} upgrades, staged on a booted host.
 * Each check or stage run is recorded, success or failure, for {@code status}.
 */
public final class AutomaticUpdateTransaction extends Transaction {
    private final SystemRoot system;

    public AutomaticUpdateTransaction(Initiator initiator, SystemRoot system) {
        super("automatic update", initiator);
        this.system = system;
    }

    @Override
    public TransactionResult execute(TransactionContext context) throws TransactionException {
        String policy;
        try {
            policy = DaemonConfig.read(DaemonConfig.file(system.path())).automaticUpdatePolicy();
        } catch (IOException e) {
            throw new TransactionException(Kind.INVALID_ARGUMENT, e.getMessage(), e);
        }
        if (policy.equals("none")) {
            return TransactionResult.unchanged("Automatic updates are not enabled; exiting...");
        }
        boolean check = policy.equals("check");
        String osname = system.osname(system.load());
        // An upgrade keeps requests the new base fulfils (inactive) rather than failing on them, as upgrade_system does.
        UpdateDeploymentTransaction upgrade = new UpdateDeploymentTransaction(title(), initiator(), system,
                UpdateDeploymentTransaction.Changes.none().withBase(Optional.empty(), Optional.empty(), true),
                new UpdateDeploymentTransaction.Options(false, false, false, false, false, true, false, check));
        TransactionResult result;
        try {
            result = upgrade.execute(context);
        } catch (TransactionException e) {
            if (e.kind() != Kind.CANCELLED) {
                record(osname, new AutomaticUpdateRun(Instant.now(), policy, false, e.getMessage(), Optional.empty(), List.of()));
            }
            throw e;
        }
        String message;
        List<String> available = List.of();
        if (check) {
            boolean found = result.checksum().isPresent();
            message = found ? "update available, " + result.checksum().get() : "no update available";
            available = found ? result.output() : List.of();
        } else {
            // A directory sysroot boots nothing, so its new deployment is made at once rather than staged.
            message = !result.changed() ? "no update available"
                    : (system.isBooted() ? "staged " : "deployed ") + result.checksum().orElse("a new deployment");
        }
        record(osname, new AutomaticUpdateRun(Instant.now(), policy, true, message, result.checksum(), available));
        return result;
    }

    private void record(String osname, AutomaticUpdateRun run) throws TransactionException {
        try {
            run.write(AutomaticUpdateRun.file(system, osname));
        } catch (IOException e) {
            throw new TransactionException(Kind.FAILED, "cannot record the automatic update run in "
                    + AutomaticUpdateRun.file(system, osname) + ": " + e.getMessage(), e);
        }
    }
}
