package org.aptostree.daemon.compose;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.aptostree.deb.dpkg.DpkgDatabase;
import org.aptostree.deb.fetch.FetchRequest;
import org.aptostree.deb.fetch.Fetcher;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.gvariant.Variant;
import org.aptostree.ostree.gvariant.VariantDict;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.CommitBuilder;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.repo.Summary;
import org.aptostree.solver.UnsatisfiableRequestException;

/**
 * {@code apt-ostree compose tree}: treefile → verified indexes → solver → verified downloads → unpack into a
 * staging tree → maintainer scripts in a sandbox → OSTree layout → commit. Runs unprivileged: owners come from
 * the packages' tar headers and the recorded {@code chown}s of the scripts ({@link OwnershipTable}), never from
 * the disk. The ref moves only when the commit is complete; a failure anywhere leaves the repository's refs
 * as they were (objects already written are unreachable and go with the next prune).
 */
public final class ComposeTree {

    /**
     * What to compose and how.
     *
     * @param treefile        the treefile
     * @param repo            the OSTree repository to commit to
     * @param cacheDirectory  downloaded packages and indexes, by SHA-256
     * @param workDirectory   where the staging tree is built (removed afterwards)
     * @param offline         use only the cache and local mirrors
     * @param dryRun          resolve (and write the lockfile) but do not download or commit
     * @param lockfile        compose exactly these packages instead of resolving (null: resolve)
     * @param writeLockfileTo write the resolved package set here (null: do not)
     * @param extraMetadata   additional string metadata ({@code --add-metadata-string})
     * @param allowUnbootable commit a tree whose kernel cannot boot it, as not bootable ({@code --allow-unbootable})
     */
    public record Options(Path treefile, Path repo, Path cacheDirectory, Path workDirectory, boolean offline, boolean dryRun,
            Path lockfile, Path writeLockfileTo, Map<String, String> extraMetadata, boolean allowUnbootable) {

        /** Options that refuse an unbootable tree with a kernel. */
        public Options(Path treefile, Path repo, Path cacheDirectory, Path workDirectory, boolean offline, boolean dryRun,
                Path lockfile, Path writeLockfileTo, Map<String, String> extraMetadata) {
            this(treefile, repo, cacheDirectory, workDirectory, offline, dryRun, lockfile, writeLockfileTo, extraMetadata, false);
        }
    }

    /**
     * The outcome.
     *
     * @param commit    the commit the ref points at afterwards (empty for a dry run)
     * @param changed   false when the ref already held a commit of the same input, so nothing was committed
     * @param packages  the package set
     * @param inputHash the input hash ({@code aptostree.inputhash})
     */
    public record Result(Optional<ObjectId> commit, boolean changed, List<LockedPackage> packages, String inputHash) {
    }

    private final Options options;
    private final ComposeProgress progress;

    public ComposeTree(Options options, ComposeProgress progress) {
        this.options = options;
        this.progress = progress;
    }

    public Result run() throws IOException, UnsatisfiableRequestException, OstreeFormatException {
        Treefile treefile = Treefile.load(options.treefile());
        Fetcher fetcher = new Fetcher(options.cacheDirectory(), 4, 3, options.offline(), new FetchListener());

        List<LockedPackage> packages;
        if (options.lockfile() != null) {
            progress.phase(ComposeProgress.Phase.RESOLVE, "from lockfile " + options.lockfile());
            packages = Lockfile.read(options.lockfile()).packages();
        } else {
            progress.phase(ComposeProgress.Phase.RESOLVE, treefile.variant() + " + " + treefile.packages().size() + " package(s)");
            PackageSources sources = new PackageSources(fetcher, options.cacheDirectory(), options.offline());
            List<PackageSources.VerifiedIndex> indexes = sources.indexes(PackageSources.parse(treefile.sources()),
                    treefile.architecture());
            // The solver is deterministic: the same treefile over the same verified indexes resolves the same
            // way, so the answer is kept, keyed by both (rpm-ostree keeps its solv caches for the same reason).
            StringBuilder key = new StringBuilder("resolution 2 ").append(treefile.digest());
            indexes.forEach(i -> key.append(' ').append(i.mirror()).append(' ').append(i.sha256()));
            Path resolved = options.cacheDirectory().resolve("resolved").resolve(InputHash.sha256Hex(
                    key.toString().getBytes(StandardCharsets.UTF_8)) + ".json");
            if (Files.isRegularFile(resolved)) {
                packages = Lockfile.read(resolved).packages();
            } else {
                packages = new Lockfile(PackageSelection.resolve(treefile, PackageSources.packages(indexes))).packages();
                Files.createDirectories(resolved.getParent());
                new Lockfile(packages).write(resolved);
            }
        }
        String inputHash = InputHash.of(treefile.digest(), packages);
        if (options.writeLockfileTo() != null) {
            new Lockfile(packages).write(options.writeLockfileTo());
        }
        if (options.dryRun()) {
            return new Result(Optional.empty(), false, packages, inputHash);
        }

        Repository repo = Repository.open(options.repo());
        Optional<ObjectId> current = repo.refs().resolve(treefile.ref());
        if (current.isPresent()) {
            Optional<String> previous = repo.readCommit(current.get()).metadata().getString("aptostree.inputhash");
            if (previous.isPresent() && previous.get().equals(inputHash)) {
                progress.note("no changes since commit " + current.get() + " (same input hash)");
                return new Result(current, false, packages, inputHash);
            }
        }

        progress.phase(ComposeProgress.Phase.DOWNLOAD, packages.size() + " packages");
        List<FetchRequest> requests = packages.stream().map(p -> new FetchRequest(p.uri(), p.size(), p.sha256())).toList();
        List<Path> debs = fetcher.fetchAll(requests);

        try (BuildRoot build = BuildRoot.empty(options.workDirectory())) {
            ObjectId commit = build(treefile, build, packages, debs, inputHash, repo);
            Summary.generate(repo, Instant.now().getEpochSecond()).write(repo, List.of());
            return new Result(Optional.of(commit), true, packages, inputHash);
        }
    }

    /** The stages after the downloads, on a tree that starts empty: unpack, configure, postprocess, layout, commit. */
    ObjectId build(Treefile treefile, BuildRoot build, List<LockedPackage> packages, List<Path> debs, String inputHash,
            Repository repo) throws IOException, OstreeFormatException {
        Path root = build.root();
        OwnershipTable owners = build.owners();
        progress.phase(ComposeProgress.Phase.UNPACK, packages.size() + " packages");
        Unpacker.Result unpacked = new Unpacker(build, build.database(), progress).unpack(packages, debs);
        long sourceDateEpoch = CommitBuilder.sourceDateEpoch().orElse(unpacked.newestMtime());

        progress.phase(ComposeProgress.Phase.CONFIGURE, "maintainer scripts in a sandbox");
        Sandbox sandbox = build.sandbox(sourceDateEpoch);
        MaintainerScripts.configure(root, sandbox, unpacked.stanzas());
        OwnerChangeLog.apply(sandbox.ownerChangeLog(), root, owners);
        ExtendedStates.record(root, packages, treefile.architecture());
        owners.applyStatOverrides(root, root.resolve(DpkgDatabase.ADMIN_DIR).resolve("statoverride"),
                OwnershipTable.Accounts.of(root));

        progress.phase(ComposeProgress.Phase.POSTPROCESS, "OSTree layout");
        postprocess(treefile, root, sandbox, owners);
        OstreeLayout.apply(root, owners);
        boolean bootable = Bootability.check(root, options.allowUnbootable() || treefile.allowUnbootable(), progress);

        progress.phase(ComposeProgress.Phase.COMMIT, treefile.ref());
        VariantDict metadata = metadata(treefile, packages, inputHash, sourceDateEpoch);
        return build.commit(repo, new CommitBuilder(repo)
                .branch(treefile.ref())
                .subject(treefile.ref())
                .timestamp(sourceDateEpoch)
                .metadata(metadata)
                .bootable(bootable));
    }

    /** The treefile's remove-files, postprocess scripts (in the sandbox) and units, before the layout moves. */
    private void postprocess(Treefile treefile, Path root, Sandbox sandbox, OwnershipTable owners) throws IOException {
        for (String f : treefile.removeFiles()) {
            String path = Path.of("/" + f).normalize().toString();
            Path target = root.resolve(path.substring(1));
            if (path.equals("/") || !target.normalize().startsWith(root)) {
                throw new ComposeException("remove-files: '" + f + "' is not a path inside the tree");
            }
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                OstreeLayout.emptyDirectory(target);
            }
            Files.deleteIfExists(target);
            owners.forget(path);
        }
        int n = 0;
        for (String script : treefile.postprocess()) {
            n++;
            Sandbox.Result r = sandbox.run(script, Map.of());
            if (r.exitCode() != 0) {
                throw new ComposeException("postprocess script " + n + " failed (exit code " + r.exitCode() + "); the repository is unchanged",
                        r.output());
            }
        }
        OwnerChangeLog.apply(sandbox.ownerChangeLog(), root, owners);
        for (String unit : treefile.units()) {
            SystemdUnits.enable(root, unit);
        }
    }

    private VariantDict metadata(Treefile treefile, List<LockedPackage> packages, String inputHash, long timestamp) {
        Map<String, Variant> m = new LinkedHashMap<>();
        treefile.addCommitMetadata().forEach((k, v) -> m.put(k, v instanceof Boolean b ? Variant.ofBoolean(b)
                : v instanceof Long l ? Variant.of("x", l) : Variant.ofString(v.toString())));
        options.extraMetadata().forEach((k, v) -> m.put(k, Variant.ofString(v)));
        if (!m.containsKey("version")) {
            String date = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC).format(Instant.ofEpochSecond(timestamp));
            m.put("version", Variant.ofString(treefile.releasever() != null ? treefile.releasever() + "." + date : date));
        }
        List<Object> list = new ArrayList<>();
        for (LockedPackage p : packages) {
            list.add(List.of(p.name(), p.version(), p.architecture()));
        }
        m.put("aptostree.packages", Variant.of("a(sss)", list));
        m.put("aptostree.inputhash", Variant.ofString(inputHash));
        return VariantDict.of(m);
    }

    /** Download progress, and the notice when a cached file was found altered and fetched again. */
    private final class FetchListener implements Fetcher.Listener {
        private final AtomicInteger done = new AtomicInteger();

        @Override
        public void finished(URI uri, Path file, boolean fromCache) {
            String name = uri.getPath().substring(uri.getPath().lastIndexOf('/') + 1);
            progress.step(ComposeProgress.Phase.DOWNLOAD, done.incrementAndGet(), -1, name + (fromCache ? " (cached)" : ""));
        }

        @Override
        public void discarded(URI uri, Path file, String reason) {
            progress.note("cached copy of " + uri + " is damaged (" + reason + "): deleted, fetching it again");
        }
    }

}
