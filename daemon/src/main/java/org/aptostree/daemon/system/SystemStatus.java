package org.aptostree.daemon.system;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.aptostree.daemon.compose.PackageLayering;
import org.aptostree.daemon.transaction.TransactionException;
import org.aptostree.daemon.transaction.TransactionException.Kind;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.container.ImageStore;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.KeyFile;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.sysroot.Deployment;
import org.aptostree.ostree.sysroot.StagedDeployment;
import org.aptostree.ostree.sysroot.Sysroot;

/**
 * The state of a system, in one place for the CLI's text and {@code --json} and the daemon's D-Bus properties: the
 * deployments (a staged one first, then in boot order), the transaction running, if any, and the automatic update
 * policy with the timer's last run.
 *
 * @param deployments  staged first, then boot order
 * @param transaction  the transaction holding the system now
 * @param automaticUpdates the policy and the timer's last run
 */
public record SystemStatus(List<DeploymentStatus> deployments, Optional<TransactionLock.Holder> transaction,
        AutomaticUpdates automaticUpdates) {

    public SystemStatus {
        deployments = List.copyOf(deployments);
    }

    /** Reads the status of {@code system}; nothing is locked, so it never waits for a transaction. */
    public static SystemStatus read(SystemRoot system) throws TransactionException {
        Sysroot sysroot = system.load();
        try {
            Repository repo = sysroot.repo();
            List<DeploymentStatus> out = new ArrayList<>();
            Optional<StagedDeployment> staged = sysroot.staged();
            if (staged.isPresent()) {
                StagedDeployment st = staged.get();
                java.nio.file.Path originFile = system.path().resolve("ostree/deploy").resolve(st.osname()).resolve("deploy")
                        .resolve(st.dirName() + ".origin");
                KeyFile origin = java.nio.file.Files.exists(originFile)
                        ? KeyFile.parse(java.nio.file.Files.readString(originFile), originFile.toString()) : null;
                out.add(describe(repo, st.osname(), st.commit(), st.deploySerial(), origin, false, true, false,
                        String.join(" ", st.kargs())));
            }
            for (Deployment d : sysroot.deployments()) {
                boolean booted = sysroot.booted().map(d::sameDeployment).orElse(false);
                out.add(describe(repo, d.osname(), d.commit(), d.deploySerial(), d.origin(), booted, false, d.pinned(),
                        d.kernelArgs().toString()));
            }
            if (out.isEmpty()) {
                return new SystemStatus(out, Optional.empty(), AutomaticUpdates.disabled());
            }
            String os = system.osname(sysroot);
            return new SystemStatus(out, TransactionLock.holder(system.transactionLockFile(os)), AutomaticUpdates.read(system, os));
        } catch (IOException | OstreeFormatException e) {
            throw new TransactionException(Kind.FAILED, "cannot read the status of " + system.path() + ": " + e.getMessage(), e);
        }
    }

    private static DeploymentStatus describe(Repository repo, String osname, ObjectId commitId, int serial, KeyFile originFile,
            boolean booted, boolean staged, boolean pinned, String kargs) throws IOException, OstreeFormatException {
        Commit commit = repo.readCommit(commitId);
        String id = osname + "-" + commitId.hex() + "." + serial;
        Optional<Origin> origin = Optional.empty();
        if (originFile != null) {
            try {
                origin = Optional.of(Origin.parse(originFile, id + ".origin"));
            } catch (OstreeFormatException e) {
                origin = Optional.empty();
            }
        }
        Optional<ObjectId> baseId = PackageLayering.baseOf(commit);
        Optional<Commit> base = baseId.isPresent() && repo.has(baseId.get(), org.aptostree.ostree.object.ObjectType.COMMIT)
                ? Optional.of(repo.readCommit(baseId.get())) : Optional.empty();
        // A layered commit whose base was pruned (before base refs kept it) cannot say what the base had.
        CommitPackages basePackages = baseId.isPresent() && base.isEmpty() ? new CommitPackages(List.of())
                : CommitPackages.of(base.orElse(commit));
        CommitPackages packages = CommitPackages.of(commit);
        List<String> active = new ArrayList<>();
        List<String> inactive = new ArrayList<>();
        List<String> locals = new ArrayList<>();
        List<String> removals = new ArrayList<>();
        List<String> replacements = new ArrayList<>();
        if (origin.isPresent()) {
            for (String request : origin.get().requested()) {
                String name = PackageRequest.nameOf(request);
                (basePackages.hasName(name) ? inactive : active).add(request);
            }
            locals.addAll(origin.get().requestedLocal().values());
            for (String name : origin.get().overrideRemove()) {
                basePackages.find(name).filter(e -> !packages.hasName(name) || baseId.isEmpty())
                        .ifPresent(e -> removals.add(e.name() + " " + e.version()));
            }
            for (Map.Entry<String, String> r : origin.get().overrideReplaceLocal().entrySet()) {
                String[] nva = r.getValue().split("_", 3);
                String old = basePackages.find(nva[0]).map(CommitPackages.Entry::version).orElse("?");
                replacements.add(nva[0] + " " + old + " -> " + (nva.length > 1 ? nva[1] : "?"));
            }
        }
        // An image's merge commit has no version of its own: rpm-ostree shows the image's.
        Optional<ImageStore.ImageState> image = ImageStore.describe(repo, baseId.orElse(commitId));
        Optional<String> version = commit.metadata().getString("version").or(() -> image.flatMap(ImageStore.ImageState::version));
        return new DeploymentStatus(id, osname, serial, commitId.hex(), version, commit.timestamp(),
                origin, booted, staged, pinned, baseId.map(ObjectId::hex), base.flatMap(b -> b.metadata().getString("version")),
                base.map(Commit::timestamp), active, inactive, locals, removals, replacements, kargs,
                image.map(i -> i.manifestDigest().toString()));
    }

    /** The deployment the system runs, if it is booted. */
    /**
     * The newer base the timer's last {@code check} found, while no deployment has it yet (rpm-ostree's cached
     * update, {@code AvailableUpdate:}).
     */
    public Optional<AutomaticUpdateRun> availableUpdate() {
        return automaticUpdates.lastRun().filter(run -> !run.availableUpdate().isEmpty() && run.availableCommit().isPresent())
                .filter(run -> deployments.stream().noneMatch(d -> d.checksum().equals(run.availableCommit().get())
                        || d.baseChecksum().equals(run.availableCommit())));
    }

    public Optional<DeploymentStatus> booted() {
        return deployments.stream().filter(DeploymentStatus::booted).findFirst();
    }

    /** Whether a deployment waits to be booted: staged, or a default that is not the booted one. */
    public boolean hasPending() {
        if (deployments.stream().anyMatch(DeploymentStatus::staged)) {
            return true;
        }
        Optional<DeploymentStatus> booted = booted();
        return booted.isPresent() && !deployments.isEmpty() && !deployments.get(0).booted();
    }
}
