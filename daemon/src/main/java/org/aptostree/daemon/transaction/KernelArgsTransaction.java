package org.aptostree.daemon.transaction;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.aptostree.daemon.system.SystemRoot;
import org.aptostree.daemon.transaction.TransactionException.Kind;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.sysroot.Deployer;
import org.aptostree.ostree.sysroot.Deployment;
import org.aptostree.ostree.sysroot.KernelArgs;
import org.aptostree.ostree.sysroot.Sysroot;

/**
 * {@code kargs --append/--replace/--delete/...}: a new deployment of the same commit and origin with the kernel
 * arguments changed, as rpm-ostree makes one (staged on a booted host). {@code --deploy-index} picks the deployment
 * to start from.
 */
public final class KernelArgsTransaction extends Transaction {
    private final SystemRoot system;
    private final Optional<Integer> deployIndex;
    private final UnaryOperator<KernelArgs> edit;

    public KernelArgsTransaction(Initiator initiator, SystemRoot system, Optional<Integer> deployIndex, UnaryOperator<KernelArgs> edit) {
        super("kargs", initiator);
        this.system = system;
        this.deployIndex = deployIndex;
        this.edit = edit;
    }

    @Override
    public TransactionResult execute(TransactionContext context) throws TransactionException {
        context.update(TransactionState.PREPARING, "Loading the deployments", 5);
        Sysroot sysroot = system.load();
        Deployment from;
        if (deployIndex.isPresent()) {
            if (deployIndex.get() < 0 || deployIndex.get() >= sysroot.deployments().size()) {
                throw new TransactionException(Kind.INVALID_ARGUMENT, "Out of range deployment index " + deployIndex.get()
                        + ", expected < " + sysroot.deployments().size());
            }
            from = sysroot.deployments().get(deployIndex.get());
        } else {
            from = system.mergeDeployment(sysroot);
        }
        KernelArgs before = from.kernelArgs();
        KernelArgs after = edit.apply(before);
        if (after.toString().equals(before.toString())) {
            return TransactionResult.unchanged("No change.");
        }
        context.update(TransactionState.DEPLOYING, (system.isBooted() ? "Staging" : "Deploying") + " with the new kernel arguments", 40);
        try (Deployer deployer = SysrootLocks.lock(system, context)) {
            Deployer.Result r = deployer.deploy(from.commit(),
                    Deployer.DeployOptions.of(from.osname(), from.origin()).withKargs(k -> after).withStage(system.isBooted()));
            context.update(TransactionState.FINALIZING, "Done", 100);
            String id = r.deployment().osname() + "-" + r.deployment().dirName();
            return new TransactionResult(true, List.of("Kernel arguments updated.", system.isBooted()
                    ? "Run \"systemctl reboot\" to start a reboot" : "Deployed " + id), Optional.of(id),
                    Optional.of(from.commit().hex()), List.of(), List.of());
        } catch (IOException | OstreeFormatException e) {
            throw new TransactionException(Kind.FAILED, "deploying with new kernel arguments failed: " + e.getMessage(), e);
        }
    }
}
