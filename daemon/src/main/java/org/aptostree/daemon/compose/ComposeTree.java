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
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.aptostree.deb.archive.DebReader;
import org.aptostree.deb.control.Deb822Writer;
import org.aptostree.deb.control.Dependency;
import org.aptostree.deb.control.Paragraph;
import org.aptostree.deb.control.Relation;
import org.aptostree.deb.control.RelationField;
import org.aptostree.deb.dpkg.DpkgDatabase;
import org.aptostree.deb.fetch.FetchRequest;
import org.aptostree.deb.fetch.Fetcher;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.gvariant.Variant;
import org.aptostree.ostree.gvariant.VariantDict;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.CommitBuilder;
import org.aptostree.ostree.repo.CommitModifier;
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

        Path work = Files.createDirectories(options.workDirectory());
        Path staging = Files.createTempDirectory(work, "compose-");
        try {
            Path root = Files.createDirectory(staging.resolve("root"));
            OwnershipTable owners = new OwnershipTable();
            progress.phase(ComposeProgress.Phase.UNPACK, packages.size() + " packages");
            AtomicLong newest = new AtomicLong();
            List<Paragraph> stanzas = unpack(root, packages, debs, owners, newest);
            long sourceDateEpoch = CommitBuilder.sourceDateEpoch().orElse(newest.get());

            progress.phase(ComposeProgress.Phase.CONFIGURE, "maintainer scripts in a sandbox");
            Sandbox sandbox = new Sandbox(root, staging.resolve("run"), sourceDateEpoch);
            configure(root, sandbox, stanzas);
            OwnerChangeLog.apply(sandbox.ownerChangeLog(), root, owners);
            writeExtendedStates(root, packages, treefile.architecture());
            owners.applyStatOverrides(root, root.resolve(DpkgDatabase.ADMIN_DIR).resolve("statoverride"),
                    OwnershipTable.Accounts.of(root));

            progress.phase(ComposeProgress.Phase.POSTPROCESS, "OSTree layout");
            postprocess(treefile, root, sandbox, owners);
            OstreeLayout.apply(root, owners);
            boolean bootable = Bootability.check(root, options.allowUnbootable() || treefile.allowUnbootable(), progress);

            progress.phase(ComposeProgress.Phase.COMMIT, treefile.ref());
            VariantDict metadata = metadata(treefile, packages, inputHash, sourceDateEpoch);
            ObjectId commit = new CommitBuilder(repo)
                    .branch(treefile.ref())
                    .subject(treefile.ref())
                    .timestamp(sourceDateEpoch)
                    .metadata(metadata)
                    .bootable(bootable)
                    .modifier(CommitModifier.NONE.withOwnerFilter((path, uid, gid) -> owners.owner(path)).withConsume(true))
                    .commitDirectory(root);
            Summary.generate(repo, Instant.now().getEpochSecond()).write(repo, List.of());
            return new Result(Optional.of(commit), true, packages, inputHash);
        } finally {
            OstreeLayout.emptyDirectory(staging);
            Files.delete(staging);
        }
    }

    /**
     * How far decoding runs ahead of the package being unpacked: at most this many .deb bytes (compressed, about a
     * quarter of what decoding them holds in memory), and at least the next package. A window of a few packages
     * left a core idle while another decoded a large one (coreutils, libc6) that unpacking waited for.
     */
    private static final long DECODE_AHEAD_BYTES = 32L << 20;
    /** Larger packages (by Installed-Size) are decoded while they are unpacked instead of into memory first. */
    private static final long DECODE_IN_MEMORY_KIB = 256 * 1024;

    /**
     * Unpacks the packages in order, as dpkg would, while the next few are decoded on other threads: decoding
     * xz is the cost of unpacking, and it is independent for each package.
     */
    private List<Paragraph> unpack(Path root, List<LockedPackage> packages, List<Path> debs, OwnershipTable owners,
            AtomicLong newest) throws IOException {
        DpkgDatabase db = DpkgDatabase.open(root, false);
        List<Paragraph> stanzas = new ArrayList<>();
        ExecutorService decoders = Executors.newFixedThreadPool(
                Math.max(1, Runtime.getRuntime().availableProcessors()), r -> {
                    Thread t = new Thread(r, "deb-decoder");
                    t.setDaemon(true);
                    return t;
                });
        List<Future<DebReader>> decoded = new ArrayList<>();
        long ahead = 0;
        try {
            for (int i = 0; i < packages.size(); i++) {
                while (decoded.size() < packages.size() && (decoded.size() <= i + 1
                        || ahead + packages.get(decoded.size()).size() <= DECODE_AHEAD_BYTES)) {
                    Path deb = debs.get(decoded.size());
                    ahead += packages.get(decoded.size()).size();
                    decoded.add(decoders.submit(() -> decode(deb)));
                }
                LockedPackage p = packages.get(i);
                try (DebReader deb = await(decoded.get(i))) {
                    stanzas.add(db.unpack(deb, (path, entry) -> {
                        owners.set(path, (int) entry.uid(), (int) entry.gid());
                        newest.accumulateAndGet(entry.mtime(), Math::max);
                    }));
                } catch (IOException e) {
                    throw new ComposeException("unpacking " + p.name() + " " + p.version() + ": " + e.getMessage());
                }
                decoded.set(i, null);
                ahead -= p.size();
                progress.step(ComposeProgress.Phase.UNPACK, i + 1, packages.size(), p.name());
            }
        } finally {
            decoders.shutdownNow();
        }
        db.write();
        return stanzas;
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

    /**
     * Runs each package's {@code preinst install} (dependencies first, as dpkg's unpack order would), then the
     * target's own {@code dpkg --configure -a}, which runs the postinsts and triggers in dpkg's order. A
     * {@code policy-rc.d} forbids starting services meanwhile.
     */
    private void configure(Path root, Sandbox sandbox, List<Paragraph> stanzas) throws IOException {
        Path policy = root.resolve("usr/sbin/policy-rc.d");
        boolean hadPolicy = Files.exists(policy, LinkOption.NOFOLLOW_LINKS);
        if (!hadPolicy) {
            Files.createDirectories(policy.getParent());
            Files.writeString(policy, "#!/bin/sh\n# apt-ostree compose: no service starts while packages are configured\nexit 101\n");
            Files.setAttribute(policy, "unix:mode", 0755);
        }
        // dpkg runs a preinst from admindir/tmp.ci, beside the package's other control files, before the files are
        // unpacked; debconf, for one, learns the package's name and templates there. The same is set up here.
        Path controls = Files.createDirectories(sandbox.runDirectory().resolve("control"));
        StringBuilder script = new StringBuilder("ci=/" + DpkgDatabase.ADMIN_DIR + "/tmp.ci\n");
        for (Paragraph p : installOrder(stanzas)) {
            String name = p.require("Package");
            String arch = p.require("Architecture");
            String info = "same".equals(p.valueOrNull("Multi-Arch")) ? name + ":" + arch : name;
            if (!Files.isRegularFile(root.resolve(DpkgDatabase.ADMIN_DIR).resolve("info").resolve(info + ".preinst"))) {
                continue;
            }
            Files.writeString(controls.resolve(info), Deb822Writer.toText(List.of(p.without("Status").without("Conffiles"))) + "\n");
            StringBuilder env = new StringBuilder();
            DpkgDatabase.maintainerScriptEnvironment(name, arch, "preinst")
                    .forEach((k, v) -> env.append(k).append("='").append(v).append("' "));
            script.append("echo 'Running preinst of ").append(name).append("'\n")
                    .append("rm -rf \"$ci\"; mkdir \"$ci\"\n")
                    .append("for f in /").append(DpkgDatabase.ADMIN_DIR).append("/info/'").append(info).append("'.*; do m=${f##*/")
                    .append(info).append(".}; [ \"$m\" = list ] || cp -p \"$f\" \"$ci/$m\"; done\n")
                    .append("cp /run/aptostree/control/'").append(info).append("' \"$ci/control\"\n")
                    .append(env).append("\"$ci/preinst\" install\n");
        }
        script.append("rm -rf \"$ci\"\n");
        script.append("dpkg --configure -a\n");
        Sandbox.Result result = sandbox.run(script.toString(), Map.of());
        if (!hadPolicy) {
            Files.deleteIfExists(policy);
        }
        if (result.exitCode() != 0) {
            throw new ComposeException("configuring the packages failed (exit code " + result.exitCode() + "); the repository is unchanged",
                    result.output());
        }
    }

    /**
     * apt's record of automatically installed packages ({@code var/lib/apt/extended_states}), so that apt in the
     * image knows what it may autoremove, as after mmdebstrap. apt lists every package under the native
     * architecture.
     */
    private static void writeExtendedStates(Path root, List<LockedPackage> packages, String nativeArchitecture) throws IOException {
        Path dir = root.resolve("var/lib/apt");
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        StringBuilder text = new StringBuilder();
        for (LockedPackage p : packages) {
            if (p.automatic()) {
                text.append("Package: ").append(p.name()).append("\nArchitecture: ").append(nativeArchitecture)
                        .append("\nAuto-Installed: 1\n\n");
            }
        }
        if (text.length() > 0) {
            Files.writeString(dir.resolve("extended_states"), text);
        }
    }

    /** Packages ordered so that each comes after what it (pre-)depends on; cycles are broken by name order. */
    static List<Paragraph> installOrder(List<Paragraph> stanzas) throws IOException {
        Map<String, Paragraph> byName = new LinkedHashMap<>();
        Map<String, String> providers = new HashMap<>();
        List<Paragraph> sorted = new ArrayList<>(stanzas);
        sorted.sort(Comparator.comparing(p -> p.valueOrNull("Package")));
        for (Paragraph p : sorted) {
            // Keyed by name and architecture: libc6:amd64 and libc6:i386 are two packages.
            String key = p.require("Package") + ":" + p.valueOrNull("Architecture");
            byName.put(key, p);
            byName.putIfAbsent(p.require("Package"), p);
            String provides = p.valueOrNull("Provides");
            if (provides != null) {
                for (Dependency d : RelationField.PROVIDES.parse(provides)) {
                    providers.putIfAbsent(d.first().name(), key);
                }
            }
        }
        List<Paragraph> out = new ArrayList<>();
        Set<Paragraph> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Paragraph p : sorted) {
            visit(p, byName, providers, visited, out);
        }
        return out;
    }

    private static void visit(Paragraph p, Map<String, Paragraph> byName, Map<String, String> providers, Set<Paragraph> visited,
            List<Paragraph> out) throws IOException {
        if (!visited.add(p)) {
            return;
        }
        for (RelationField field : List.of(RelationField.PRE_DEPENDS, RelationField.DEPENDS)) {
            String value = p.valueOrNull(field.fieldName());
            if (value == null) {
                continue;
            }
            for (Dependency d : field.parse(value)) {
                for (Relation r : d.alternatives()) {
                    String arch = r.architecture() == null || r.architecture().equals("any") ? null : r.architecture();
                    Paragraph target = arch != null ? byName.get(r.name() + ":" + arch) : byName.get(r.name());
                    if (target == null && providers.containsKey(r.name())) {
                        target = byName.get(providers.get(r.name()));
                    }
                    if (target != null) {
                        visit(target, byName, providers, visited, out);
                        break;
                    }
                }
            }
        }
        out.add(p);
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
