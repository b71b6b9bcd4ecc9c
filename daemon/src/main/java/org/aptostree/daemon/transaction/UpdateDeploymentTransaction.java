package org.aptostree.daemon.transaction;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import org.aptostree.daemon.compose.ComposeProgress;
import org.aptostree.daemon.compose.LayeringException;
import org.aptostree.daemon.compose.PackageLayering;
import org.aptostree.daemon.system.BaseRefs;
import org.aptostree.daemon.system.CommitPackages;
import org.aptostree.daemon.system.Origin;
import org.aptostree.daemon.system.PackageRequest;
import org.aptostree.daemon.system.SystemRoot;
import org.aptostree.daemon.transaction.TransactionException.Kind;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.container.ImageStore;
import org.aptostree.ostree.container.OstreeImageReference;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.pull.PullProgress;
import org.aptostree.ostree.pull.RemotePull;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.sysroot.Deployer;
import org.aptostree.ostree.sysroot.Deployment;
import org.aptostree.ostree.sysroot.Sysroot;

/**
 * rpm-ostree's deploy transaction, which every change of a deployment goes through: install and uninstall
 * (layering), override remove/replace/reset, reset, upgrade, rebase and deploy. It takes the merge deployment's
 * origin, applies the {@link Changes} to it, finds the base (pulled from the origin's remote when the change asks
 * for it), layers the requested packages on that base when there are any, and deploys the result with the new
 * origin: staged on a booted host, at once on a directory sysroot. Nothing is changed until that last step, so a
 * failure or a cancel before it leaves the system as it was.
 */
public final class UpdateDeploymentTransaction extends Transaction {

    /**
     * What to change: rpm-ostree's {@code UpdateDeployment} modifiers.
     *
     * @param rebase       a new refspec ({@code remote:ref}) to follow
     * @param revision     a commit to deploy (a checksum, or {@code version=V})
     * @param pullBase     fetch the newest base (upgrade)
     * @param install      package requests to add
     * @param installLocal local .debs to add
     * @param uninstall    requests to drop (by name or as written)
     * @param uninstallAll drop every package request
     * @param overrideRemove base packages to take out
     * @param overrideReplaceLocal local .debs that replace base packages
     * @param overrideReset overrides to drop (by package name)
     * @param overrideResetAll drop every override
     * @param resetOverlays drop every package request ({@code reset --overlays})
     * @param resetOverrides drop every override ({@code reset --overrides})
     */
    public record Changes(Optional<String> rebase, Optional<String> revision, boolean pullBase, List<String> install,
            List<Path> installLocal, List<String> uninstall, boolean uninstallAll, List<String> overrideRemove,
            List<Path> overrideReplaceLocal, List<String> overrideReset, boolean overrideResetAll, boolean resetOverlays,
            boolean resetOverrides) {
        public Changes {
            install = List.copyOf(install);
            installLocal = List.copyOf(installLocal);
            uninstall = List.copyOf(uninstall);
            overrideRemove = List.copyOf(overrideRemove);
            overrideReplaceLocal = List.copyOf(overrideReplaceLocal);
            overrideReset = List.copyOf(overrideReset);
        }

        public static Changes none() {
            return new Changes(Optional.empty(), Optional.empty(), false, List.of(), List.of(), List.of(), false, List.of(), List.of(),
                    List.of(), false, false, false);
        }

        public Changes withInstall(List<String> v, List<Path> local) {
            return new Changes(rebase, revision, pullBase, v, local, uninstall, uninstallAll, overrideRemove, overrideReplaceLocal,
                    overrideReset, overrideResetAll, resetOverlays, resetOverrides);
        }

        public Changes withUninstall(List<String> v, boolean all) {
            return new Changes(rebase, revision, pullBase, install, installLocal, v, all, overrideRemove, overrideReplaceLocal,
                    overrideReset, overrideResetAll, resetOverlays, resetOverrides);
        }

        public Changes withOverrides(List<String> remove, List<Path> replaceLocal, List<String> reset, boolean resetAll) {
            return new Changes(rebase, revision, pullBase, install, installLocal, uninstall, uninstallAll, remove, replaceLocal,
                    reset, resetAll, resetOverlays, resetOverrides);
        }

        public Changes withReset(boolean overlays, boolean overrides) {
            return new Changes(rebase, revision, pullBase, install, installLocal, uninstall, uninstallAll, overrideRemove,
                    overrideReplaceLocal, overrideReset, overrideResetAll, overlays, overrides);
        }

        public Changes withBase(Optional<String> newRebase, Optional<String> newRevision, boolean pull) {
            return new Changes(newRebase, newRevision, pull, install, installLocal, uninstall, uninstallAll, overrideRemove,
                    overrideReplaceLocal, overrideReset, overrideResetAll, resetOverlays, resetOverrides);
        }

        boolean movesBase() {
            return rebase.isPresent() || revision.isPresent() || pullBase;
        }
    }

    /**
     * How: rpm-ostree's {@code UpdateDeployment} options.
     *
     * @param allowDowngrade   deploy a base older than the current one
     * @param dryRun           resolve and say what would change; change nothing
     * @param cacheOnly        no network: the cached indexes and packages, and the base already in the repository
     * @param downloadOnly     fetch what is needed, then stop
     * @param idempotent       a request already made (or a removal of one not made) is not an error
     * @param allowInactive    a request for a package the base has already is kept (inactive) instead of refused
     * @param forceReplaceFiles layered packages may overwrite files of base packages
     * @param checkOnly        upgrade: only say whether a new base is there ({@code --check}, {@code --preview})
     */
    public record Options(boolean allowDowngrade, boolean dryRun, boolean cacheOnly, boolean downloadOnly, boolean idempotent,
            boolean allowInactive, boolean forceReplaceFiles, boolean checkOnly) {
        public static Options defaults() {
            return new Options(false, false, false, false, false, false, false, false);
        }
    }

    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_INSTANT.withZone(ZoneOffset.UTC);

    private final SystemRoot system;
    private final Changes changes;
    private final Options options;

    public UpdateDeploymentTransaction(String title, Initiator initiator, SystemRoot system, Changes changes, Options options) {
        super(title, initiator);
        this.system = system;
        this.changes = changes;
        this.options = options;
    }

    @Override
    public TransactionResult execute(TransactionContext context) throws TransactionException {
        // The sysroot lock is held throughout, as rpm-ostree holds it: no ostree admin cleanup can prune the layered
        // commit between its writing and its deployment.
        try (Deployer deployer = SysrootLocks.lock(system, context)) {
            return execute(context, deployer);
        } catch (IOException e) {
            throw new TransactionException(Kind.FAILED, "releasing the sysroot lock: " + e.getMessage(), e);
        }
    }

    private TransactionResult execute(TransactionContext context, Deployer deployer) throws TransactionException {
        context.update(TransactionState.PREPARING, "Loading the deployments", 1);
        Sysroot sysroot = system.load();
        Deployment merge = system.mergeDeployment(sysroot);
        String osname = merge.osname();
        Repository repo = repo(sysroot);
        Origin origin = originOf(merge);
        List<String> notes = new ArrayList<>();
        Origin wanted = applyChanges(origin, osname, notes);
        if (!changes.movesBase() && wanted.equals(origin)) {
            return TransactionResult.unchanged(notes.isEmpty() ? List.of("No change.").toArray(String[]::new)
                    : concat(notes, "No change.").toArray(String[]::new));
        }
        context.checkpoint();

        ObjectId currentBase = baseOf(repo, merge.commit());
        ObjectId base = changes.movesBase() ? newBase(context, repo, wanted, currentBase) : currentBase;
        if (options.checkOnly()) {
            return checkResult(repo, currentBase, base);
        }
        if (changes.pullBase() && base.equals(currentBase) && wanted.equals(origin)) {
            return TransactionResult.unchanged(concat(notes, "No upgrade available.").toArray(String[]::new));
        }
        context.checkpoint();

        ObjectId commit = base;
        List<String> output = new ArrayList<>(notes);
        if (wanted.hasLayering()) {
            try (PackageLayering layering = new PackageLayering(repo, base, new PackageLayering.Settings(merge.dir(system.path()),
                    system.cacheDirectory(osname), workDirectory(osname), options.cacheOnly(), options.forceReplaceFiles()),
                    progress(context))) {
                if (!options.dryRun() && !options.downloadOnly()) {
                    layering.prepareTree();
                }
                PackageLayering.Request request = new PackageLayering.Request(List.copyOf(wanted.requested()),
                        localFiles(osname, wanted.requestedLocal()), wanted.overrideRemove(),
                        localFiles(osname, wanted.overrideReplaceLocal()));
                PackageLayering.Plan plan;
                try {
                    plan = layering.resolve(request);
                } catch (LayeringException e) {
                    throw error(e);
                } catch (IOException e) {
                    throw new TransactionException(Kind.FAILED, e.getMessage(), e);
                }
                refuseNewInactive(plan.inactive(), origin);
                plan.install().forEach(p -> output.add("  " + p));
                plan.local().forEach(p -> output.add("  " + p + " (local)"));
                plan.remove().forEach(p -> output.add("  " + p + " (removed from the base)"));
                if (!plan.inactive().isEmpty()) {
                    output.add("Inactive requests (the base has them): " + String.join(", ", plan.inactive()));
                }
                if (options.dryRun()) {
                    output.add(0, "Resolved " + (plan.install().size() + plan.local().size()) + " package(s) to layer, "
                            + plan.remove().size() + " to remove; exiting (dry run)");
                    return new TransactionResult(false, output, Optional.empty(), Optional.empty(), List.of(), List.of());
                }
                context.checkpoint();
                List<Path> debs;
                try {
                    debs = layering.download(plan);
                } catch (LayeringException e) {
                    throw error(e);
                } catch (IOException e) {
                    throw new TransactionException(Kind.NETWORK, e.getMessage(), e);
                }
                if (options.downloadOnly()) {
                    output.add(0, "Downloaded " + debs.size() + " package(s); not deploying (--download-only)");
                    return new TransactionResult(false, output, Optional.empty(), Optional.empty(), List.of(), List.of());
                }
                context.checkpoint();
                PackageLayering.Built built;
                try {
                    built = layering.build(plan, debs);
                } catch (LayeringException e) {
                    throw error(e);
                } catch (IOException | OstreeFormatException e) {
                    throw new TransactionException(Kind.FAILED, "layering failed: " + e.getMessage(), e);
                }
                // The tree the commit was made from becomes the deployment; removed here if anything stops that.
                try (built) {
                    context.checkpoint();
                    return deploy(context, deployer, repo, merge, osname, built.commit(), Optional.of(built.tree()), wanted, output);
                } catch (IOException e) {
                    throw new TransactionException(Kind.FAILED, "removing the layered tree " + built.tree().dir() + ": " + e.getMessage(),
                            e);
                }
            } catch (IOException e) {
                throw new TransactionException(Kind.FAILED, "removing the unused staging tree: " + e.getMessage(), e);
            }
        } else if (options.dryRun() || options.downloadOnly()) {
            output.add("Base " + base.hex() + "; nothing to layer; not deploying");
            return new TransactionResult(false, output, Optional.empty(), Optional.empty(), List.of(), List.of());
        }
        return deploy(context, deployer, repo, merge, osname, commit, Optional.empty(), wanted, output);
    }

    private TransactionResult deploy(TransactionContext context, Deployer deployer, Repository repo, Deployment merge, String osname,
            ObjectId commit, Optional<Deployer.PreparedTree> tree, Origin wanted, List<String> output) throws TransactionException {
        context.update(TransactionState.DEPLOYING, (system.isBooted() ? "Staging" : "Deploying") + " " + commit.hex(), 85);
        Deployer.Result result;
        try {
            // The new base is kept by a ref before the deployment's prune runs; the refs are then trimmed to what is used.
            ObjectId base = baseOf(repo, commit);
            BaseRefs.keep(repo, BaseRefs.inUse(repo, system.load(), List.of(base)));
            result = deployer.deploy(commit,
                    Deployer.DeployOptions.of(osname, wanted.toKeyFile()).withStage(system.isBooted()), tree);
            BaseRefs.keep(repo, BaseRefs.inUse(repo, system.load(), List.of()));
        } catch (IOException | OstreeFormatException e) {
            throw new TransactionException(Kind.FAILED, "deploying " + commit.hex() + " failed: " + e.getMessage(), e);
        }
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        try {
            Map<String, CommitPackages.Entry> before = CommitPackages.of(repo.readCommit(merge.commit())).byNameArch();
            Map<String, CommitPackages.Entry> after = CommitPackages.of(repo.readCommit(commit)).byNameArch();
            after.forEach((k, v) -> {
                if (!v.equals(before.get(k))) {
                    added.add(v.toString());
                }
            });
            before.forEach((k, v) -> {
                if (!v.equals(after.get(k))) {
                    removed.add(v.toString());
                }
            });
        } catch (IOException | OstreeFormatException e) {
            output.add("(cannot compare the package lists: " + e.getMessage() + ")");
        }
        Deployment d = result.deployment();
        String id = d.osname() + "-" + d.dirName();
        output.add(system.isBooted() ? "Staging deployment...done" : "Deployed " + id);
        if (!added.isEmpty() || !removed.isEmpty()) {
            output.add("Added: " + added.size() + ", removed or changed: " + removed.size());
        }
        output.add(system.isBooted() ? "Run \"systemctl reboot\" to start a reboot" : "The new deployment is the default one.");
        context.update(TransactionState.FINALIZING, "Done", 100);
        return new TransactionResult(true, output, Optional.of(id), Optional.of(commit.hex()), added, removed);
    }

    /** The origin with the changes made, each checked against it as rpm-ostree checks them. */
    private Origin applyChanges(Origin origin, String osname, List<String> notes) throws TransactionException {
        Origin o = origin;
        if (changes.rebase().isPresent() && OstreeImageReference.isOstreeImageReference(changes.rebase().get())) {
            o = o.withContainerImageReference(imageReference(changes.rebase().get()));
        } else if (changes.rebase().isPresent()) {
            // A bare ref stays on the current remote, as rpm-ostree rebases it.
            String to = changes.rebase().get();
            String current = o.refspec().orElse("");
            o = o.withRefspec(!to.contains(":") && current.contains(":") ? current.substring(0, current.indexOf(':') + 1) + to : to);
        }
        SortedSet<String> requested = new TreeSet<>(o.requested());
        SortedMap<String, String> local = new TreeMap<>(o.requestedLocal());
        if (changes.resetOverlays() || changes.uninstallAll()) {
            requested.clear();
            local.clear();
        }
        for (String u : changes.uninstall()) {
            String name = PackageRequest.nameOf(u);
            boolean found = requested.removeIf(r -> r.equals(u) || PackageRequest.nameOf(r).equals(name));
            found |= local.values().removeIf(nevra -> nevra.startsWith(name + "_"));
            if (!found && !options.idempotent()) {
                throw new TransactionException(Kind.INVALID_ARGUMENT, "Package/capability '" + u + "' is not currently requested");
            }
        }
        List<String> duplicates = new ArrayList<>();
        for (String i : changes.install()) {
            PackageRequest r = PackageRequest.parse(i);
            boolean already = requested.stream().anyMatch(x -> PackageRequest.nameOf(x).equals(r.name()));
            if (already) {
                duplicates.add(i);
                continue;
            }
            requested.add(r.toString());
        }
        for (Path deb : changes.installLocal()) {
            String sha = sha256(deb);
            if (local.containsKey(sha)) {
                duplicates.add(deb.toString());
                continue;
            }
            local.put(sha, storeLocal(osname, deb, sha));
        }
        if (!duplicates.isEmpty() && !options.idempotent()) {
            throw new TransactionException(Kind.INVALID_ARGUMENT, "Package/capability '" + String.join("', '", duplicates)
                    + "' is already requested");
        }
        o = o.withRequested(requested).withRequestedLocal(local);

        SortedSet<String> remove = new TreeSet<>(o.overrideRemove());
        SortedMap<String, String> replace = new TreeMap<>(o.overrideReplaceLocal());
        if (changes.resetOverrides() || changes.overrideResetAll()) {
            remove.clear();
            replace.clear();
        }
        for (String name : changes.overrideReset()) {
            boolean found = remove.remove(name);
            found |= replace.values().removeIf(nevra -> nevra.startsWith(name + "_"));
            if (!found) {
                throw new TransactionException(Kind.INVALID_ARGUMENT, "No such override: " + name);
            }
        }
        for (String name : changes.overrideRemove()) {
            PackageRequest.parse(name);
            if (requested.stream().anyMatch(r -> PackageRequest.nameOf(r).equals(name))) {
                throw new TransactionException(Kind.INVALID_ARGUMENT, "Cannot remove " + name + ": it is a layered package, not a"
                        + " base package (use uninstall)");
            }
            if (!remove.add(name) && !options.idempotent()) {
                throw new TransactionException(Kind.INVALID_ARGUMENT, "Override already exists for package '" + name + "'");
            }
        }
        for (Path deb : changes.overrideReplaceLocal()) {
            String sha = sha256(deb);
            replace.put(sha, storeLocal(osname, deb, sha));
        }
        return o.withOverrideRemove(remove).withOverrideReplaceLocal(replace);
    }

    /** A request the base now has is refused, unless asked to keep it (rpm-ostree's --allow-inactive). */
    private void refuseNewInactive(List<String> inactive, Origin before) throws TransactionException {
        if (options.allowInactive()) {
            return;
        }
        List<String> fresh = inactive.stream().filter(r -> !before.requested().contains(r)).toList();
        if (!fresh.isEmpty()) {
            throw new TransactionException(Kind.INVALID_ARGUMENT, "Package '" + String.join("', '", fresh)
                    + "' is already provided by the base. Use --allow-inactive to explicitly require it.");
        }
    }

    /** A local .deb is kept in the state directory under its checksum, so that later upgrades can apply it again. */
    private String storeLocal(String osname, Path deb, String sha) throws TransactionException {
        try {
            Path dir = Files.createDirectories(system.stateDirectory(osname).resolve("local-packages"));
            Path target = dir.resolve(sha + ".deb");
            if (!Files.exists(target)) {
                Path tmp = Files.createTempFile(dir, sha, ".tmp");
                Files.copy(deb, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            var record = org.aptostree.deb.index.PackageRecord.from(readControl(target));
            return record.name() + "_" + record.version() + "_" + record.architecture();
        } catch (IOException e) {
            throw new TransactionException(Kind.INVALID_ARGUMENT, "cannot read the package " + deb + ": " + e.getMessage(), e);
        }
    }

    private static org.aptostree.deb.control.Paragraph readControl(Path deb) throws IOException {
        try (var in = Files.newInputStream(deb); var r = org.aptostree.deb.archive.DebReader.open(in)) {
            return r.control().control();
        }
    }

    private List<Path> localFiles(String osname, Map<String, String> locals) throws TransactionException {
        List<Path> out = new ArrayList<>();
        for (String sha : locals.keySet()) {
            Path p = system.stateDirectory(osname).resolve("local-packages").resolve(sha + ".deb");
            if (!Files.isRegularFile(p)) {
                throw new TransactionException(Kind.FAILED, "the local package " + locals.get(sha) + " (" + sha + ") is no longer in "
                        + p.getParent() + ": install it again");
            }
            out.add(p);
        }
        return out;
    }

    private static String sha256(Path deb) throws TransactionException {
        try {
            return PackageLayering.sha256(deb);
        } catch (IOException e) {
            throw new TransactionException(Kind.INVALID_ARGUMENT, "cannot read " + deb + ": " + e.getMessage(), e);
        }
    }

    /**
     * The base to deploy: the newest commit of the origin's refspec ({@code remote:ref}, pulled over HTTP with the
     * remote's signature checks), or the requested revision; older than the current base only when allowed.
     */
    private ObjectId newBase(TransactionContext context, Repository repo, Origin origin, ObjectId currentBase) throws TransactionException {
        if (origin.containerImageReference().isPresent()) {
            return pullImage(context, repo, origin.containerImageReference().get());
        }
        String refspec = origin.refspec().orElseThrow(() -> new TransactionException(Kind.INVALID_ARGUMENT,
                "the deployment's origin names no base"));
        int colon = refspec.indexOf(':');
        String remote = colon > 0 ? refspec.substring(0, colon) : null;
        String ref = colon > 0 ? refspec.substring(colon + 1) : refspec;
        Optional<String> revision = changes.revision();
        ObjectId target;
        try {
            if (revision.isPresent() && ObjectId.isValidHex(revision.get()) && repo.has(ObjectId.fromHex(revision.get()),
                    org.aptostree.ostree.object.ObjectType.COMMIT)) {
                target = ObjectId.fromHex(revision.get());
            } else if (remote == null || options.cacheOnly()) {
                target = repo.refs().resolve(refspec).or(() -> resolveQuietly(repo, ref))
                        .orElseThrow(() -> new TransactionException(Kind.INVALID_ARGUMENT, "No ref '" + refspec + "' in the repository"
                                + (options.cacheOnly() ? " (--cache-only: nothing is pulled)" : "")));
                if (revision.isPresent()) {
                    target = findRevision(repo, target, revision.get());
                }
            } else {
                context.update(TransactionState.DOWNLOADING, "Pulling " + refspec, 5);
                PullProgress progress = (fetched, needed, bytes) -> context.update(TransactionState.DOWNLOADING,
                        "Receiving objects: " + fetched + "/" + needed, 5 + (needed == 0 ? 0 : 15 * fetched / needed));
                boolean byChecksum = revision.isPresent() && ObjectId.isValidHex(revision.get());
                Map<String, ObjectId> pulled = RemotePull.pull(repo, remote, List.of(byChecksum ? revision.get() : ref),
                        revision.isPresent() && !byChecksum ? -1 : 0, progress);
                target = pulled.values().iterator().next();
                if (revision.isPresent() && !byChecksum) {
                    target = findRevision(repo, target, revision.get());
                }
            }
            Commit next = repo.readCommit(target);
            Commit now = repo.readCommit(currentBase);
            if (!options.allowDowngrade() && changes.revision().isEmpty() && changes.rebase().isEmpty()
                    && next.timestamp() < now.timestamp()) {
                throw new TransactionException(Kind.INVALID_ARGUMENT, "Upgrade target revision '" + target.hex() + "' with timestamp '"
                        + ISO.format(Instant.ofEpochSecond(next.timestamp())) + "' is chronologically older than current revision '"
                        + currentBase.hex() + "' with timestamp '" + ISO.format(Instant.ofEpochSecond(now.timestamp()))
                        + "'; use --allow-downgrade to permit");
            }
            return target;
        } catch (IOException e) {
            throw new TransactionException(Kind.NETWORK, "pulling " + refspec + " failed: " + e.getMessage(), e);
        } catch (OstreeFormatException e) {
            throw new TransactionException(Kind.FAILED, "pulling " + refspec + " failed: " + e.getMessage(), e);
        }
    }

    /** An image reference as the origin keeps it (ostree-ext's canonical form); a form that is not supported is refused. */
    private static String imageReference(String given) throws TransactionException {
        try {
            return OstreeImageReference.parse(given).toString();
        } catch (IllegalArgumentException e) {
            throw new TransactionException(Kind.INVALID_ARGUMENT, e.getMessage(), e);
        }
    }

    /**
     * The base of an image-based deployment: the image's merge commit, pulled into the sysroot's repository as
     * ostree-ext stores images (a layer already stored is not fetched again; an unchanged manifest fetches nothing).
     * The commit's metadata holds the manifest digest that status shows.
     */
    private ObjectId pullImage(TransactionContext context, Repository repo, String reference) throws TransactionException {
        if (changes.revision().isPresent()) {
            throw new TransactionException(Kind.INVALID_ARGUMENT, "A container image deployment has no revisions: rebase to the image"
                    + " by digest (NAME@sha256:...) instead");
        }
        context.update(TransactionState.DOWNLOADING, "Pulling " + reference, 5);
        try {
            ImageStore.Pulled pulled = ImageStore.pull(repo, OstreeImageReference.parse(reference), (Path) null, ImageStore.Options.defaults()
                    .withRequireBootable(true).withOffline(options.cacheOnly()).withLog(context::message));
            pulled.filteredWarning().ifPresent(context::message);
            return pulled.state().mergeCommit();
        } catch (IllegalArgumentException e) {
            throw new TransactionException(Kind.INVALID_ARGUMENT, e.getMessage(), e);
        } catch (IOException e) {
            throw new TransactionException(Kind.NETWORK, "pulling " + reference + " failed: " + e.getMessage(), e);
        } catch (OstreeFormatException e) {
            throw new TransactionException(Kind.FAILED, "pulling " + reference + " failed: " + e.getMessage(), e);
        }
    }

    private static Optional<ObjectId> resolveQuietly(Repository repo, String ref) {
        try {
            return repo.refs().resolve(ref);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A checksum, or {@code version=V} searched for along the ref's history. */
    private static ObjectId findRevision(Repository repo, ObjectId head, String revision) throws IOException, OstreeFormatException,
            TransactionException {
        if (ObjectId.isValidHex(revision)) {
            return ObjectId.fromHex(revision);
        }
        String version = revision.startsWith("version=") ? revision.substring("version=".length()) : revision;
        Optional<ObjectId> cur = Optional.of(head);
        while (cur.isPresent() && repo.has(cur.get(), org.aptostree.ostree.object.ObjectType.COMMIT)) {
            Commit c = repo.readCommit(cur.get());
            if (c.metadata().getString("version").filter(version::equals).isPresent()) {
                return cur.get();
            }
            cur = c.parent();
        }
        throw new TransactionException(Kind.INVALID_ARGUMENT, "No commit with version " + version + " in the history of the ref");
    }

    private TransactionResult checkResult(Repository repo, ObjectId currentBase, ObjectId base) throws TransactionException {
        if (base.equals(currentBase)) {
            return TransactionResult.unchanged("No updates available.");
        }
        try {
            Commit c = repo.readCommit(base);
            List<String> out = new ArrayList<>();
            out.add("AvailableUpdate:");
            c.metadata().getString("version").ifPresent(v -> out.add("        Version: " + v + " (" + ISO.format(Instant.ofEpochSecond(c.timestamp())) + ")"));
            out.add("         Commit: " + base.hex());
            Map<String, CommitPackages.Entry> before = CommitPackages.of(repo.readCommit(currentBase)).byNameArch();
            Map<String, CommitPackages.Entry> after = CommitPackages.of(c).byNameArch();
            long upgraded = after.entrySet().stream().filter(e -> before.containsKey(e.getKey()) && !before.get(e.getKey()).equals(e.getValue())).count();
            long added = after.keySet().stream().filter(k -> !before.containsKey(k)).count();
            long removed = before.keySet().stream().filter(k -> !after.containsKey(k)).count();
            out.add("           Diff: " + upgraded + " upgraded, " + removed + " removed, " + added + " added");
            return new TransactionResult(false, out, Optional.empty(), Optional.of(base.hex()), List.of(), List.of());
        } catch (IOException | OstreeFormatException e) {
            throw new TransactionException(Kind.FAILED, e.getMessage(), e);
        }
    }

    /** The base of a deployed commit: the commit itself, or for a layered one the commit it was built on. */
    static ObjectId baseOf(Repository repo, ObjectId commit) throws TransactionException {
        try {
            return PackageLayering.baseOf(repo.readCommit(commit)).orElse(commit);
        } catch (IOException | OstreeFormatException e) {
            throw new TransactionException(Kind.FAILED, "cannot read commit " + commit + ": " + e.getMessage(), e);
        }
    }

    private static Origin originOf(Deployment d) throws TransactionException {
        if (d.origin() == null) {
            throw new TransactionException(Kind.FAILED, "The deployment " + d.dirName() + " has no origin file: it cannot be changed"
                    + " (deploy a ref with an origin first)");
        }
        try {
            return Origin.parse(d.origin(), d.dirName() + ".origin");
        } catch (OstreeFormatException e) {
            throw new TransactionException(Kind.FAILED, e.getMessage(), e);
        }
    }

    private static Repository repo(Sysroot sysroot) throws TransactionException {
        try {
            return sysroot.repo();
        } catch (IOException | OstreeFormatException e) {
            throw new TransactionException(Kind.FAILED, "cannot open the sysroot's repository: " + e.getMessage(), e);
        }
    }

    /** Scratch space on the repository's file system (the staging tree links to its objects). */
    private Path workDirectory(String osname) {
        return system.path().resolve("ostree/repo/tmp/apt-ostree");
    }

    private static TransactionException error(LayeringException e) {
        Kind kind = switch (e.reason()) {
            case NOT_FOUND -> Kind.PACKAGE_NOT_FOUND;
            case CONFLICT, FILE_CLASH -> Kind.CONFLICT;
            case SCRIPT_FAILED -> Kind.FAILED;
            case FETCH -> Kind.NETWORK;
        };
        return new TransactionException(kind, e.getMessage(), e.details(), e);
    }

    /** The pipeline's phases as transaction states, with the share of the percentage each has. */
    private static ComposeProgress progress(TransactionContext context) {
        return new ComposeProgress() {
            @Override
            public void phase(Phase phase, String detail) {
                switch (phase) {
                    case RESOLVE -> context.update(TransactionState.RESOLVING, "Resolving " + detail, 20);
                    case DOWNLOAD -> context.update(TransactionState.DOWNLOADING, "Downloading " + detail, 30);
                    case UNPACK -> context.update(TransactionState.UNPACKING, "Unpacking " + detail, 45);
                    case CONFIGURE -> context.update(TransactionState.SCRIPTS, "Running " + detail, 60);
                    case POSTPROCESS, COMMIT -> context.update(TransactionState.COMMITTING, "Committing: " + detail, 75);
                    default -> context.message(detail);
                }
            }

            @Override
            public void step(Phase phase, int done, int total, String item) {
                context.message(item + (total > 0 ? " (" + done + "/" + total + ")" : ""));
            }

            @Override
            public void note(String message) {
                context.message(message);
            }
        };
    }

    private static List<String> concat(List<String> list, String last) {
        List<String> out = new ArrayList<>(list);
        out.add(last);
        return out;
    }
}
