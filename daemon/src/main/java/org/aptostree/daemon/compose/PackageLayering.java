package org.aptostree.daemon.compose;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

import org.aptostree.daemon.compose.LayerResolution.LocalDeb;
import org.aptostree.deb.archive.DebReader;
import org.aptostree.deb.control.Paragraph;
import org.aptostree.deb.dpkg.DpkgDatabase;
import org.aptostree.deb.dpkg.InstalledState;
import org.aptostree.deb.dpkg.InstalledState.InstalledPackage;
import org.aptostree.deb.fetch.FetchRequest;
import org.aptostree.deb.fetch.Fetcher;
import org.aptostree.deb.index.PackageRecord;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.gvariant.Variant;
import org.aptostree.ostree.gvariant.VariantDict;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.CommitBuilder;
import org.aptostree.ostree.repo.ContentObject;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.repo.TreeEntry;
import org.aptostree.ostree.sysroot.Deployer;
import org.aptostree.solver.PackageVersion;

/**
 * Package layering: a new commit whose parent is a base commit and whose tree is the base plus packages (from the
 * deployment's APT sources, or local .debs), minus base packages taken out, with base packages replaced by local
 * .debs. The compose pipeline does it, started from the base ({@link BuildRoot#fromCommit}): resolve with the base's
 * packages held, fetch and verify, unpack through the base's own dpkg database, scripts in the sandbox, the OSTree
 * layout, commit. Only what changed is written: the base's files stay links to its objects and are not read again.
 */
public final class PackageLayering implements AutoCloseable {
    /** Commit metadata of a layered commit: {@code true}. */
    public static final String CLIENT_LAYER = "aptostree.clientlayer";
    /** Commit metadata of a layered commit: the base commit. */
    public static final String BASE = "aptostree.base";
    /** Commit metadata: the packages of the tree, {@code a(sss)}. */
    public static final String PACKAGES = "aptostree.packages";

    /** The base a layered commit was built on; empty for a commit that is not layered. */
    public static Optional<ObjectId> baseOf(Commit commit) {
        boolean layered = commit.metadata().get(CLIENT_LAYER).map(v -> Boolean.TRUE.equals(v.value())).orElse(false);
        return layered ? commit.metadata().getString(BASE).filter(ObjectId::isValidHex).map(ObjectId::fromHex) : Optional.empty();
    }

    /**
     * What to change on the base.
     *
     * @param install    package requests ({@code name}, {@code name=version}, {@code name:arch})
     * @param local      local .debs to add
     * @param remove     base packages to take out (by name)
     * @param replace    local .debs replacing base packages of the same name
     */
    public record Request(List<String> install, List<Path> local, Set<String> remove, List<Path> replace) {
        public Request {
            install = List.copyOf(install);
            local = List.copyOf(local);
            remove = Set.copyOf(remove);
            replace = List.copyOf(replace);
        }

        public boolean isEmpty() {
            return install.isEmpty() && local.isEmpty() && remove.isEmpty() && replace.isEmpty();
        }
    }

    /**
     * Where and how.
     *
     * @param aptRoot           the system whose {@code /etc/apt} (sources and keys) is used: the merge deployment
     * @param cacheDirectory    verified indexes and packages, by SHA-256 ({@code /var/cache/apt-ostree})
     * @param workDirectory     the staging tree's parent; on the repository's file system, for the links
     * @param cacheOnly         use only what the cache holds (and local mirrors): no network
     * @param forceReplaceFiles let layered packages overwrite files of the base's packages
     */
    public record Settings(Path aptRoot, Path cacheDirectory, Path workDirectory, boolean cacheOnly, boolean forceReplaceFiles) {
    }

    /**
     * The resolved change, before anything is fetched.
     *
     * @param inactive requests the base satisfies already: left out
     */
    public record Plan(List<String> install, List<String> local, List<String> remove, List<String> inactive,
            List<String> packagesAfter, LayerResolution.Result resolution) {
    }

    private final Repository repo;
    private final ObjectId base;
    private final Settings settings;
    private final ComposeProgress progress;
    private final Fetcher fetcher;
    private List<InstalledPackage> baseInstalled;
    private FutureTask<List<InstalledPackage>> readingBase;
    /** The staging checkout of the base, started by {@link #prepareTree} and taken by {@link #build}. */
    private FutureTask<BuildRoot> preparing;

    public PackageLayering(Repository repo, ObjectId base, Settings settings, ComposeProgress progress) {
        this.repo = repo;
        this.base = base;
        this.settings = settings;
        this.progress = progress;
        this.fetcher = new Fetcher(settings.cacheDirectory(), 4, 3, settings.cacheOnly(), new Fetcher.Listener() { });
    }

    /**
     * Starts checking out the base for {@link #build} on a thread of its own, so that the checkout (a link per file of
     * the base) runs while the indexes are read, the request is resolved and the packages are fetched, which need
     * none of it. {@link #close} removes the tree when no build took it.
     */
    public void prepareTree() {
        if (preparing == null) {
            preparing = new FutureTask<>(() -> BuildRoot.fromCommit(repo, base, settings.workDirectory()));
            Thread t = new Thread(preparing, "layering-checkout");
            t.setDaemon(true);
            t.start();
        }
    }

    /** The staging tree: the one {@link #prepareTree} started, or a checkout made now. */
    private BuildRoot buildRoot() throws IOException, OstreeFormatException {
        if (preparing == null) {
            return BuildRoot.fromCommit(repo, base, settings.workDirectory());
        }
        FutureTask<BuildRoot> task = preparing;
        preparing = null;
        try {
            return awaitUninterruptibly(task);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            } else if (cause instanceof OstreeFormatException f) {
                throw f;
            } else if (cause instanceof RuntimeException r) {
                throw r;
            } else if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException("checking out the base " + base + ": " + cause, cause);
        }
    }

    /** The task's result; an interrupt is kept for the caller, after the checkout ended (its tree must be removed). */
    private static <T> T awaitUninterruptibly(FutureTask<T> task) throws ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Removes the staging tree of {@link #prepareTree} when no build took it (the transaction ended before). */
    @Override
    public void close() throws IOException {
        if (preparing != null) {
            FutureTask<BuildRoot> task = preparing;
            preparing = null;
            try {
                awaitUninterruptibly(task).close();
            } catch (ExecutionException e) {
                // fromCommit removed its partial tree when it failed; there is nothing left to remove.
            }
        }
    }

    /** The base's installed packages, from its dpkg database (read from the repository; nothing is checked out). */
    public List<InstalledPackage> baseInstalled() throws IOException {
        if (baseInstalled == null) {
            if (readingBase == null) {
                readingBase = new FutureTask<>(this::readBaseInstalled);
                readingBase.run();
            }
            try {
                baseInstalled = awaitUninterruptibly(readingBase);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
        }
        return baseInstalled;
    }

    /** Starts reading the base's installed packages on a thread of its own, for {@link #baseInstalled} to take. */
    private void startReadingBase() {
        if (baseInstalled == null && readingBase == null) {
            readingBase = new FutureTask<>(this::readBaseInstalled);
            Thread t = new Thread(readingBase, "layering-base");
            t.setDaemon(true);
            t.start();
        }
    }

    private List<InstalledPackage> readBaseInstalled() throws IOException {
        try {
            Optional<TreeEntry> status = repo.lookup(base, DpkgDatabase.SYSIMAGE_DIR + "/status")
                    .or(() -> lookupQuietly(DpkgDatabase.ADMIN_DIR + "/status"));
            if (status.isEmpty() || !(status.get() instanceof TreeEntry.File file)) {
                throw new LayeringException(LayeringException.Reason.CONFLICT, "the base commit " + base
                        + " has no dpkg database (" + DpkgDatabase.SYSIMAGE_DIR + "/status): packages cannot be layered on it");
            }
            try (ContentObject content = repo.openContent(file.content()); InputStream in = content.stream()) {
                return InstalledState.read(in, null, "");
            }
        } catch (OstreeFormatException e) {
            throw new IOException("reading the base commit " + base + ": " + e.getMessage(), e);
        }
    }

    private Optional<TreeEntry> lookupQuietly(String path) {
        try {
            return repo.lookup(base, path);
        } catch (IOException | OstreeFormatException e) {
            return Optional.empty();
        }
    }

    /** The base's architecture: dpkg's own, as the commit's package list gives it, else as its database does. */
    private String architecture() throws IOException {
        try {
            Optional<Variant> packages = repo.readCommit(base).metadata().get(PACKAGES);
            if (packages.isPresent() && packages.get().value() instanceof List<?> list) {
                for (Object p : list) {
                    if (p instanceof List<?> nva && nva.size() == 3 && "dpkg".equals(nva.get(0))) {
                        return String.valueOf(nva.get(2));
                    }
                }
            }
        } catch (OstreeFormatException e) {
            throw new IOException("reading the base commit " + base + ": " + e.getMessage(), e);
        }
        for (InstalledPackage p : baseInstalled()) {
            if (p.record().name().equals("dpkg")) {
                return p.record().architecture();
            }
        }
        return baseInstalled().stream().map(p -> p.record().architecture()).filter(a -> !a.equals("all")).findFirst()
                .orElseThrow(() -> new IOException("the base commit " + base + " has no architecture-specific package"));
    }

    /** Resolves {@code request}: what will be fetched, added and taken out. */
    public Plan resolve(Request request) throws IOException {
        progress.phase(ComposeProgress.Phase.RESOLVE, "packages on " + base.hex().substring(0, 10));
        // The base's packages are read while the sources are verified: each costs a fresh JVM tens of milliseconds.
        startReadingBase();
        String arch = architecture();
        List<PackageSources.AvailablePackage> available = List.of();
        IOException unavailable = null;
        if (!request.install().isEmpty()) {
            try {
                available = available(arch);
            } catch (IOException e) {
                // Only an error when a request needs the sources: every one may be a package of the base.
                unavailable = e;
            }
        }
        List<org.aptostree.solver.Request.Target> targets = new ArrayList<>();
        List<String> inactive = new ArrayList<>();
        for (String r : request.install()) {
            org.aptostree.solver.Request.Target t = org.aptostree.solver.Request.Target.parse(r);
            if (baseInstalled().stream().anyMatch(p -> p.record().name().equals(t.name()))) {
                inactive.add(r);
            } else {
                targets.add(t);
            }
        }
        List<LocalDeb> local = new ArrayList<>();
        for (Path p : request.local()) {
            local.add(localDeb(p));
        }
        List<LocalDeb> replace = new ArrayList<>();
        for (Path p : request.replace()) {
            LocalDeb l = localDeb(p);
            if (baseInstalled().stream().noneMatch(b -> b.record().name().equals(l.record().name()))) {
                throw new LayeringException(LayeringException.Reason.NOT_FOUND, "override replace: the base has no package "
                        + l.record().name() + " to replace with " + p.getFileName());
            }
            replace.add(l);
        }
        if (targets.isEmpty()) {
            available = List.of();
        } else if (unavailable != null) {
            throw unavailable;
        }
        LayerResolution.Result r = LayerResolution.resolve(arch, available, baseInstalled(), targets, local, replace, request.remove());
        List<String> install = r.fetch().stream().map(p -> p.name() + " " + p.version() + " " + p.architecture()).toList();
        List<String> locals = r.local().stream().map(LocalDeb::nevra).toList();
        List<String> removed = r.remove().stream().map(p -> p.record().name() + " " + p.record().version()).toList();
        List<String> after = new ArrayList<>();
        for (PackageVersion v : r.after()) {
            after.add(v.name() + " " + v.version() + " " + v.architecture());
        }
        return new Plan(install, locals, removed, inactive, after, r);
    }

    private List<PackageSources.AvailablePackage> available(String arch) throws IOException {
        PackageSources sources = new PackageSources(fetcher, settings.cacheDirectory(), settings.cacheOnly(), settings.aptRoot());
        return PackageSources.packages(sources.indexes(new AptSources(settings.aptRoot(), settings.cacheDirectory(),
                settings.cacheOnly()).entries(), arch));
    }

    private static LocalDeb localDeb(Path file) throws IOException {
        String sha256;
        Paragraph control;
        try (InputStream in = Files.newInputStream(file); DebReader deb = DebReader.open(in)) {
            control = deb.control().control();
        }
        sha256 = sha256(file);
        return new LocalDeb(file, sha256, PackageRecord.from(control));
    }

    /** The SHA-256 of a file, as origin files name local packages. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Fetches and verifies the plan's packages (each against the SHA-256 its index gives); local ones are already here. */
    public List<Path> download(Plan plan) throws IOException {
        progress.phase(ComposeProgress.Phase.DOWNLOAD, plan.resolution().fetch().size() + " packages");
        List<FetchRequest> requests = plan.resolution().fetch().stream().map(p -> new FetchRequest(p.uri(), p.size(), p.sha256())).toList();
        try {
            return fetcher.fetchAll(requests);
        } catch (IOException e) {
            throw new LayeringException(LayeringException.Reason.FETCH, "fetching packages: " + e.getMessage());
        }
    }

    /**
     * A layered commit and the tree it was committed from, for its deployment ({@link Deployer#deploy(ObjectId,
     * Deployer.DeployOptions, Optional)}): deploying the tree saves linking the whole base again and deleting the
     * staging copy. {@link #close} removes the tree when the deployment did not take it.
     */
    public record Built(ObjectId commit, Deployer.PreparedTree tree) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            Path dir = tree.dir();
            if (Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                OstreeLayout.emptyDirectory(dir);
                Files.delete(dir);
            }
            Files.deleteIfExists(dir.getParent());
        }
    }

    /**
     * Builds the layered commit (no ref points at it: the deployment keeps it).
     *
     * @param debs the files of {@link #download}
     */
    public Built build(Plan plan, List<Path> debs) throws IOException, OstreeFormatException {
        String arch = architecture();
        Commit baseCommit = repo.readCommit(base);
        List<LockedPackage> packages = new ArrayList<>(plan.resolution().fetch());
        List<Path> files = new ArrayList<>(debs);
        for (LocalDeb l : plan.resolution().local()) {
            PackageRecord r = l.record();
            packages.add(new LockedPackage(r.name(), r.version().toString(), r.architecture(), l.file().toUri(), Files.size(l.file()),
                    l.sha256(), false));
            files.add(l.file());
        }
        // Decoding needs only the files: it starts while the checkout of the base may still be running.
        try (Unpacker.Decoding decoding = new Unpacker.Decoding(packages, files); BuildRoot build = buildRoot()) {
            DpkgDatabase db = build.database().forceOverwrite(settings.forceReplaceFiles());
            for (InstalledPackage p : plan.resolution().remove()) {
                db.remove(p.record().name(), p.record().architecture());
            }
            progress.phase(ComposeProgress.Phase.UNPACK, packages.size() + " packages");
            Unpacker.Result unpacked;
            try {
                unpacked = new Unpacker(build, db, progress).unpack(decoding);
            } catch (DpkgDatabase.FileConflictException e) {
                throw new LayeringException(LayeringException.Reason.FILE_CLASH, "File exists: " + e.getMessage()
                        + "; use --force-replacefiles to let it replace the file");
            }
            progress.phase(ComposeProgress.Phase.CONFIGURE, "maintainer scripts in a sandbox");
            Sandbox sandbox = build.sandbox(Instant.now().getEpochSecond());
            try {
                MaintainerScripts.configure(build.root(), sandbox, unpacked.stanzas());
            } catch (ComposeException e) {
                throw new LayeringException(LayeringException.Reason.SCRIPT_FAILED, e.getMessage(), e.output());
            }
            OwnerChangeLog.apply(sandbox.ownerChangeLog(), build.root(), build.owners());
            ExtendedStates.record(build.root(), packages, arch);
            progress.phase(ComposeProgress.Phase.POSTPROCESS, "OSTree layout");
            OstreeLayout.Result layout = OstreeLayout.apply(build.root(), build.owners());
            progress.phase(ComposeProgress.Phase.COMMIT, "layered commit on " + base);
            ObjectId commit = build.commit(repo, new CommitBuilder(repo)
                    .parent(Optional.of(base))
                    .subject("apt-ostree layer on " + base.hex().substring(0, 12))
                    .timestamp(Instant.now().getEpochSecond())
                    .metadata(metadata(baseCommit, installedAfter(build)))
                    // A base composed with allow-unbootable stays unbootable, whatever kernel file it carries.
                    .bootable(baseCommit.metadata().get("ostree.bootable").isPresent() && layout.kernelVersion().isPresent()));
            return new Built(commit, build.takeTree());
        }
    }

    /** The packages of the built tree, from its dpkg database. */
    private static List<Object> installedAfter(BuildRoot build) throws IOException {
        Path status = build.root().resolve(DpkgDatabase.SYSIMAGE_DIR).resolve("status");
        Set<String> seen = new TreeSet<>();
        List<Object> list = new ArrayList<>();
        try (InputStream in = Files.newInputStream(status)) {
            List<InstalledPackage> installed = new ArrayList<>(InstalledState.read(in, null, ""));
            installed.sort((a, b) -> a.nameArch().compareTo(b.nameArch()));
            for (InstalledPackage p : installed) {
                if (seen.add(p.nameArch())) {
                    list.add(List.of(p.record().name(), p.record().version().toString(), p.record().architecture()));
                }
            }
        }
        return list;
    }

    /** The base's metadata that describes the OS (version, kernel), the layer's own keys, and the package list. */
    private VariantDict metadata(Commit baseCommit, List<Object> packages) {
        Map<String, Variant> m = new LinkedHashMap<>();
        for (String key : List.of("version", "ostree.linux", "ostree.bootable")) {
            baseCommit.metadata().get(key).ifPresent(v -> m.put(key, v));
        }
        m.put(CLIENT_LAYER, Variant.ofBoolean(true));
        m.put(BASE, Variant.ofString(base.hex()));
        m.put(PACKAGES, Variant.of("a(sss)", packages));
        return VariantDict.of(m);
    }
}
