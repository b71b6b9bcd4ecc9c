package org.aptostree.ostree.sysroot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.AtomicFile;
import org.aptostree.ostree.repo.Checkout;
import org.aptostree.ostree.repo.CheckoutIndex;
import org.aptostree.ostree.repo.KeyFile;
import org.aptostree.ostree.repo.Prune;
import org.aptostree.ostree.repo.RepoMode;
import org.aptostree.ostree.repo.Repository;

/**
 * Changes the deployments of a sysroot as libostree does: new deployments (checkout, /etc merge, kernel into
 * /boot), and rewriting the deployment list (boot entries for the other boot version, the {@code ostree/boot.B.S}
 * symlink farm, then the atomic {@code boot/loader} swap), followed by cleanup. Each step is synced before the
 * next, so a crash leaves either the old or the new boot configuration, each pointing at complete deployments.
 * <p>
 * A deployer holds the sysroot lock, the one {@code ostree admin} takes, from {@link #lock} to {@link #close}: every
 * change to a sysroot goes through one, so no change runs beside another process's (a cleanup would otherwise
 * delete a deployment that a deploy is still writing).
 */
public final class Deployer implements AutoCloseable {
    private static final FileAttribute<?> DIR_0775 = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxr-x"));
    private static final FileAttribute<?> DIR_0755 = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x"));

    private final Path root;
    private final SysrootLock lock;

    private Deployer(Path root, SysrootLock lock) {
        this.root = root;
        this.lock = lock;
    }

    /**
     * Takes the sysroot lock of {@code root}, waiting while another process holds it (as {@code ostree admin}
     * does); {@code whileWaiting} runs when it has to wait, then every 3 seconds.
     */
    public static Deployer lock(Path root, Runnable whileWaiting) throws IOException, OstreeFormatException {
        Sysroot.requireOstreeSystem(root);
        return new Deployer(root, SysrootLock.acquire(root, whileWaiting));
    }

    /** Takes the sysroot lock of {@code root}, waiting while another process holds it. */
    public static Deployer lock(Path root) throws IOException, OstreeFormatException {
        return lock(root, () -> { });
    }

    /** Takes the sysroot lock of {@code root} if no one holds it. */
    public static Optional<Deployer> tryLock(Path root) throws IOException, OstreeFormatException {
        Sysroot.requireOstreeSystem(root);
        return SysrootLock.tryAcquire(root).map(l -> new Deployer(root, l));
    }

    /** Releases the sysroot lock; this deployer changes nothing after. */
    @Override
    public void close() throws IOException {
        lock.close();
    }

    private void checkHeld() {
        if (!lock.held()) {
            throw new IllegalStateException("The sysroot lock of " + root + " was released");
        }
    }

    /** The sysroot as it is now; under the lock, no other process changes it. */
    public Sysroot sysroot() throws IOException, OstreeFormatException {
        checkHeld();
        return Sysroot.load(root);
    }

    // ------------------------------------------------------------------ init

    /**
     * {@code ostree admin init-fs}: the top-level directories and an empty bare repository. As in ostree, this
     * takes no lock: it only adds what is missing, and the lock file lives in what it creates.
     */
    public static void initFs(Path root, boolean modern) throws IOException, OstreeFormatException {
        Files.createDirectories(root);
        if (modern) {
            mkdir(root.resolve("boot"), 0755);
        } else {
            for (String d : new String[] {"boot", "dev", "home", "proc", "run", "sys"}) {
                mkdir(root.resolve(d), 0755);
            }
            mkdir(root.resolve("root"), 0700);
            mkdir(root.resolve("tmp"), 01777);
        }
        mkdir(root.resolve("ostree"), 0755);
        Files.createDirectories(root.resolve("ostree/deploy"));
        Repository.init(root.resolve("ostree/repo"), RepoMode.BARE);
    }

    private static void mkdir(Path p, int mode) throws IOException {
        if (!Files.isDirectory(p)) {
            Files.createDirectories(p);
            Files.setAttribute(p, "unix:mode", mode);
        }
    }

    /** {@code ostree admin os-init}: a stateroot with its shared /var, with the modes ostree gives them. */
    public void osInit(String osname) throws IOException {
        checkHeld();
        validateOsname(osname);
        Path var = root.resolve("ostree/deploy").resolve(osname).resolve("var");
        Files.createDirectories(var);
        // The /var skeleton ostree's os-init makes, so a first boot has what early services expect.
        if (!Files.isDirectory(var.resolve("tmp"))) {
            Files.createDirectory(var.resolve("tmp"));
            Files.setAttribute(var.resolve("tmp"), "unix:mode", 01777);
        }
        if (!Files.isDirectory(var.resolve("lib"))) {
            Files.createDirectory(var.resolve("lib"));
        }
        if (!Files.isDirectory(var.resolve("log"))) {
            Files.createDirectory(var.resolve("log"), DIR_0755);
        }
        if (!Files.exists(var.resolve("run"), LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(var.resolve("run"), Path.of("../run"));
        }
        if (!Files.exists(var.resolve("lock"), LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(var.resolve("lock"), Path.of("../run/lock"));
        }
        bumpMtime();
    }

    private static void validateOsname(String osname) {
        if (osname.isEmpty() || osname.contains("/") || osname.equals(".") || osname.equals("..")) {
            throw new IllegalArgumentException("Invalid stateroot name '" + osname + "'");
        }
    }

    // ------------------------------------------------------------------ deploy

    /** How a new deployment is made and placed. */
    public record DeployOptions(String osname, Optional<KeyFile> origin, UnaryOperator<KernelArgs> kargs,
                                boolean retain, boolean notAsDefault, boolean noMerge, boolean prune, boolean stage) {
        public static DeployOptions of(String osname, KeyFile origin) {
            return new DeployOptions(osname, Optional.ofNullable(origin), k -> k, false, false, false, true, false);
        }

        public DeployOptions withKargs(UnaryOperator<KernelArgs> k) {
            return new DeployOptions(osname, origin, k, retain, notAsDefault, noMerge, prune, stage);
        }

        public DeployOptions withRetain(boolean r) {
            return new DeployOptions(osname, origin, kargs, r, notAsDefault, noMerge, prune, stage);
        }

        public DeployOptions withNotAsDefault(boolean n) {
            return new DeployOptions(osname, origin, kargs, retain, n, noMerge, prune, stage);
        }

        public DeployOptions withNoMerge(boolean n) {
            return new DeployOptions(osname, origin, kargs, retain, notAsDefault, n, prune, stage);
        }

        /** Whether the cleanup after the deployment also prunes the repository (ostree's {@code --no-prune} turns it off). */
        public DeployOptions withPrune(boolean p) {
            return new DeployOptions(osname, origin, kargs, retain, notAsDefault, noMerge, p, stage);
        }

        /** Check out now, merge /etc and write boot entries at {@link #finalizeStaged()} (shutdown). */
        public DeployOptions withStage(boolean s) {
            return new DeployOptions(osname, origin, kargs, retain, notAsDefault, noMerge, prune, s);
        }
    }

    /** The outcome of a deployment: the new deployment and the /etc changes carried over. */
    public record Result(Deployment deployment, Optional<EtcMerge.Diff> etcChanges) {
    }

    /**
     * A tree already made for a commit on the sysroot's file system: the directory it was committed from, a checkout
     * recorded in {@code index} ({@link Checkout#recordInto}) and changed since. A deployment of that commit takes the
     * directory and checks the commit out over it ({@link Checkout#reusing}), which keeps what is still as checked out
     * instead of linking each file again.
     */
    public record PreparedTree(Path dir, CheckoutIndex index) {
    }

    /**
     * Creates {@code dir} for trees that are to become deployments ({@link PreparedTree}s), unless it exists. Like the
     * stateroot's {@code deploy} directory, a new one is marked as the top of directory hierarchies ({@code chattr +T}),
     * each tree made in it being one. ext4 then starts each tree in a block group of its own rather than in its
     * parent's, where the trees of earlier deployments were deleted: without a journal, ext4 passes over each inode
     * freed in the last minute when it allocates one, which made each directory of a new tree ~10x dearer after an
     * undeployment. Other file systems ignore the flag.
     */
    public static void createTreeDirectory(Path dir, FileAttribute<?>... attributes) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, attributes);
            InodeFlags.setTopDirectory(dir);
        }
    }

    /** Deploys a commit of the sysroot's repository and makes it the default (unless asked otherwise). */
    public Result deploy(ObjectId commitId, DeployOptions options) throws IOException, OstreeFormatException {
        return deploy(commitId, options, Optional.empty());
    }

    /**
     * {@link #deploy(ObjectId, DeployOptions)}, starting from {@code prepared} (which this takes, when it can be moved
     * into place; the caller removes it otherwise). The deployment is the same as from an empty directory.
     */
    public Result deploy(ObjectId commitId, DeployOptions options, Optional<PreparedTree> prepared)
            throws IOException, OstreeFormatException {
        checkHeld();
        validateOsname(options.osname());
        if (!Files.isDirectory(root.resolve("ostree/deploy").resolve(options.osname()))) {
            throw new IOException("No stateroot '" + options.osname() + "'; create it with 'ostree admin os-init " + options.osname() + "'");
        }
        // As ostree admin deploy: first remove what an interrupted operation left behind.
        cleanup(false);
        Sysroot sysroot = Sysroot.load(root);
        Repository repo = sysroot.repo();
        Commit commit = repo.readCommit(commitId);
        Optional<Deployment> merge = options.noMerge() ? Optional.empty() : sysroot.mergeDeployment(options.osname());

        int serial = nextDeploySerial(options.osname(), commitId);
        Path deployDir = root.resolve("ostree/deploy").resolve(options.osname()).resolve("deploy").resolve(commitId.hex() + "." + serial);
        Optional<EtcMerge.Diff> etc = Optional.empty();
        KernelFiles kernel;
        createTreeDirectory(deployDir.getParent(), DIR_0775);
        // The boot checksum hashes the kernel and initramfs (unless a deployment boots the same ones): done from the
        // repository while the checkout runs.
        List<Deployment> deployed = sysroot.deployments();
        CompletableFuture<Optional<KernelFiles>> kernelSearch = CompletableFuture.supplyAsync(() -> {
            try {
                return KernelFiles.findInCommit(repo, commitId, deployed);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (OstreeFormatException e) {
                throw new CompletionException(e);
            }
        });
        KeyFile origin = options.origin().orElseGet(() -> merge.map(Deployment::origin).orElse(null));
        if (origin != null) {
            origin.removeGroup("libostree-transient");
        }
        try {
            Checkout checkout = new Checkout(repo).userMode(!EffectiveUser.isRoot());
            if (prepared.isPresent() && moved(prepared.get().dir(), deployDir)) {
                checkout.reusing(prepared.get().index());
            }
            checkout.checkout(commitId, deployDir);
            prepareEtc(deployDir);
            kernel = joinKernelSearch(kernelSearch)
                    .orElseThrow(() -> new IOException("No kernel found in commit " + commitId
                            + ": expected usr/lib/modules/<version>/vmlinuz"));
            installKernel(options.osname(), deployDir, kernel);
            if (options.stage()) {
                writeOrigin(deployDir, origin);
            } else {
                etc = finalizeDeployment(sysroot, options.osname(), deployDir, merge, origin);
            }
        } catch (IOException | OstreeFormatException | RuntimeException e) {
            InodeFlags.setImmutable(deployDir, false);
            EtcMerge.deleteRecursively(deployDir);
            throw e;
        }
        // The merge deployment's ostree= stays where it is; writing the entry replaces it in place, as libostree does.
        KernelArgs kargs = options.kargs().apply(merge.map(Deployment::kernelArgs).orElse(new KernelArgs(List.of())));
        Deployment fresh = new Deployment(options.osname(), commitId, serial, kernel.bootChecksum(), 0,
                newBootEntry(deployDir, commit, kernel, kargs), origin);
        if (options.stage()) {
            // Finalization at shutdown trusts the tree it finds; unstaged, writeDeployments syncs before its swap.
            syncFs();
            new StagedDeployment(options.osname(), commitId, serial, kernel.bootChecksum(),
                    merge.map(Deployment::dirName), kargs.args(), false).write(StagedDeployment.runDir(root));
            bumpMtime();
            cleanup(false);
            return new Result(fresh, Optional.empty());
        }
        writeDeployments(sysroot, newList(sysroot, fresh, merge, options));
        cleanup(options.prune());
        return new Result(fresh, etc);
    }

    /** Moves a prepared tree to be the deployment's directory; false when it cannot be (another file system). */
    private static boolean moved(Path tree, Path deployDir) throws IOException {
        try {
            Files.move(tree, deployDir, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            return false;
        }
    }

    /**
     * What libostree does to a checked-out deployment before it may boot (at once, or at shutdown when staged):
     * merge /etc from the merge deployment; remove {@code /etc/.updated} and the stateroot's {@code /var/.updated}
     * so that systemd's {@code ConditionNeedsUpdate=} units run after the update; stamp /var as labeled; write the
     * origin; make the deployment root immutable.
     */
    private Optional<EtcMerge.Diff> finalizeDeployment(Sysroot sysroot, String osname, Path deployDir, Optional<Deployment> merge,
                                                       KeyFile origin) throws IOException {
        Optional<EtcMerge.Diff> etc = Optional.empty();
        if (merge.isPresent()) {
            Path oldDir = merge.get().dir(root);
            etc = Optional.of(EtcMerge.merge(oldDir.resolve("usr/etc"), oldDir.resolve("etc"), deployDir.resolve("etc")));
        }
        Files.deleteIfExists(deployDir.resolve("etc/.updated"));
        Path stateroot = root.resolve("ostree/deploy").resolve(osname);
        // A booted system's /var is the stateroot's, mounted (or on its own partition): ostree uses it for its own stateroot.
        boolean bootedStateroot = sysroot.booted().map(b -> b.osname().equals(osname)).orElse(false);
        Files.deleteIfExists((bootedStateroot ? Path.of("/var") : stateroot.resolve("var")).resolve(".updated"));
        Path selabeled = stateroot.resolve("var/.ostree-selabeled");
        if (!Files.exists(selabeled, LinkOption.NOFOLLOW_LINKS)) {
            // ostree relabels /var once and leaves this stamp; without SELinux the relabel is empty.
            AtomicFile.write(selabeled, new byte[0]);
        }
        writeOrigin(deployDir, origin);
        InodeFlags.setImmutable(deployDir, true);
        return etc;
    }

    private static void writeOrigin(Path deployDir, KeyFile origin) throws IOException {
        if (origin != null) {
            AtomicFile.write(deployDir.resolveSibling(deployDir.getFileName() + ".origin"), origin.format().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The boot entry of a deployment not yet in the list; its boot paths are filled in when the list is written. */
    private static BootEntry newBootEntry(Path deployDir, Commit commit, KernelFiles kernel, KernelArgs kargs) throws IOException {
        return new BootEntry(Map.of("options", kargs.toString(), "title", title(deployDir, commit)))
                .with("x-kernel-version", kernel.version())
                .with("x-has-initramfs", String.valueOf(kernel.initramfs().isPresent()));
    }

    /**
     * Completes a staged deployment, as {@code ostree admin finalize-staged} does at shutdown: finalizes it against
     * the merge deployment's /etc as it is now, writes the deployment list with the staged deployment first, and
     * removes what the list no longer uses (without pruning the repository, as ostree).
     *
     * @return the finalized deployment, or empty when nothing was staged or finalization is locked
     */
    public Optional<Deployment> finalizeStaged() throws IOException, OstreeFormatException {
        checkHeld();
        Path runDir = StagedDeployment.runDir(root);
        Optional<StagedDeployment> staged = StagedDeployment.read(runDir);
        if (staged.isEmpty() || staged.get().locked() || Files.exists(runDir.resolve("staged-deployment-locked"))) {
            return Optional.empty();
        }
        StagedDeployment st = staged.get();
        Sysroot sysroot = Sysroot.load(root);
        boolean alreadyListed = sysroot.deployments().stream()
                .anyMatch(d -> d.osname().equals(st.osname()) && d.dirName().equals(st.dirName()));
        if (alreadyListed) {
            // An earlier finalization was interrupted after the swap: only the state file is left to remove.
            Files.deleteIfExists(runDir.resolve(StagedDeployment.FILE));
            return Optional.empty();
        }
        Optional<Deployment> merge = st.mergeName().flatMap(name -> sysroot.deployments().stream()
                .filter(d -> d.osname().equals(st.osname()) && d.dirName().equals(name)).findFirst());
        Path deployDir = root.resolve("ostree/deploy").resolve(st.osname()).resolve("deploy").resolve(st.dirName());
        Path originFile = deployDir.resolveSibling(st.dirName() + ".origin");
        KeyFile origin = Files.exists(originFile) ? KeyFile.parse(Files.readString(originFile), originFile.toString()) : null;
        // An interrupted finalization may have sealed it already.
        InodeFlags.setImmutable(deployDir, false);
        finalizeDeployment(sysroot, st.osname(), deployDir, merge, origin);
        Commit commit = sysroot.repo().readCommit(st.commit());
        KernelFiles kernel = KernelFiles.find(deployDir, st.bootChecksum())
                .orElseThrow(() -> new IOException("staged deployment " + st.dirName() + " has no kernel"));
        Deployment fresh = new Deployment(st.osname(), st.commit(), st.deploySerial(), st.bootChecksum(), 0,
                newBootEntry(deployDir, commit, kernel, new KernelArgs(st.kargs())), origin);
        syncFs();
        writeDeployments(sysroot, newList(sysroot, fresh, merge, DeployOptions.of(st.osname(), origin)));
        Files.deleteIfExists(runDir.resolve(StagedDeployment.FILE));
        cleanup(false);
        return Optional.of(fresh);
    }

    private static Optional<KernelFiles> joinKernelSearch(CompletableFuture<Optional<KernelFiles>> f)
            throws IOException, OstreeFormatException {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof java.io.UncheckedIOException u) {
                throw u.getCause();
            }
            if (e.getCause() instanceof OstreeFormatException fe) {
                throw fe;
            }
            throw e;
        }
    }

    private int nextDeploySerial(String osname, ObjectId commit) throws IOException {
        Path dir = root.resolve("ostree/deploy").resolve(osname).resolve("deploy");
        int serial = 0;
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, commit.hex() + ".*")) {
                for (Path p : ds) {
                    String suffix = p.getFileName().toString().substring(65);
                    if (suffix.matches("[0-9]+")) {
                        serial = Math.max(serial, Integer.parseInt(suffix) + 1);
                    }
                }
            }
        }
        return serial;
    }

    /** {@code /etc} of a new deployment: a copy of the tree's defaults ({@code usr/etc}). */
    private static void prepareEtc(Path deployDir) throws IOException {
        Path etc = deployDir.resolve("etc");
        Path usrEtc = deployDir.resolve("usr/etc");
        boolean hasEtc = Files.exists(etc, LinkOption.NOFOLLOW_LINKS);
        boolean hasUsrEtc = Files.exists(usrEtc, LinkOption.NOFOLLOW_LINKS);
        if (hasEtc && hasUsrEtc) {
            throw new IOException("Tree contains both /etc and /usr/etc");
        }
        if (hasEtc) {
            Files.move(etc, usrEtc);
            hasUsrEtc = true;
        }
        if (hasUsrEtc) {
            EtcMerge.copyDefaults(usrEtc, etc);
        }
    }

    private void installKernel(String osname, Path deployDir, KernelFiles kernel) throws IOException {
        Path dir = root.resolve("boot/ostree").resolve(osname + "-" + kernel.bootChecksum());
        if (Files.isDirectory(dir)) {
            return;
        }
        Path tmp = dir.resolveSibling("." + dir.getFileName() + ".tmp");
        EtcMerge.deleteRecursively(tmp);
        Files.createDirectories(tmp, DIR_0775);
        linkOrCopy(deployDir.resolve(kernel.kernel()), tmp.resolve("vmlinuz-" + kernel.version()));
        if (kernel.initramfs().isPresent()) {
            linkOrCopy(deployDir.resolve(kernel.initramfs().get()), tmp.resolve("initramfs-" + kernel.version() + ".img"));
        }
        if (kernel.devicetree().isPresent()) {
            linkOrCopy(deployDir.resolve(kernel.devicetree().get()), tmp.resolve("devicetree-" + kernel.version()));
        }
        syncFs();
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void linkOrCopy(Path src, Path dst) throws IOException {
        try {
            Files.createLink(dst, src);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    /** The BLS title: PRETTY_NAME (or ID) of the tree's os-release, the commit's version, and the ostree index. */
    private static String title(Path deployDir, Commit commit) throws IOException {
        String name = null;
        for (String f : new String[] {"usr/lib/os-release", "etc/os-release"}) {
            Path p = deployDir.resolve(f);
            if (Files.isRegularFile(p)) {
                Map<String, String> osRelease = osRelease(Files.readString(p, StandardCharsets.UTF_8));
                name = osRelease.getOrDefault("PRETTY_NAME", osRelease.get("ID"));
                if (name != null) {
                    break;
                }
            }
        }
        if (name == null) {
            throw new IOException("No PRETTY_NAME or ID in /etc/os-release");
        }
        Optional<String> version = commit.metadata().getString("version");
        if (version.isPresent() && !name.contains(version.get())) {
            name = name + " " + version.get();
        }
        return name;
    }

    private static Map<String, String> osRelease(String text) {
        Map<String, String> m = new java.util.HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                String v = line.substring(eq + 1).strip();
                if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                    v = v.substring(1, v.length() - 1);
                }
                m.put(line.substring(0, eq).strip(), v);
            }
        }
        return m;
    }

    /** libostree's simple-write policy: the new one first; older ones of its stateroot go unless kept. */
    private static List<Deployment> newList(Sysroot sysroot, Deployment fresh, Optional<Deployment> merge, DeployOptions o) {
        List<Deployment> out = new ArrayList<>();
        if (!o.notAsDefault()) {
            out.add(fresh);
        }
        boolean added = !o.notAsDefault();
        for (Deployment d : sysroot.deployments()) {
            boolean booted = sysroot.booted().map(b -> b.sameDeployment(d)).orElse(false);
            boolean isMerge = merge.map(m -> m.sameDeployment(d)).orElse(false);
            boolean keep = !d.osname().equals(o.osname()) || o.retain() || booted || isMerge || d.pinned();
            if (keep) {
                out.add(d);
            }
            if (!added && (booted || sysroot.booted().isEmpty())) {
                out.add(fresh);
                added = true;
            }
        }
        if (!added) {
            out.add(fresh);
        }
        return out;
    }

    // ------------------------------------------------------------------ rewriting the deployment list

    /**
     * Writes a new deployment list as libostree does. When every position keeps its kernel, kernel arguments and
     * version, the boot entries stay and only a new symlink farm {@code ostree/boot.B.S} is swapped in; otherwise
     * boot entries and links are written for the other boot version, then {@code boot/loader} is swapped.
     */
    private void writeDeployments(Sysroot sysroot, List<Deployment> deployments) throws IOException, OstreeFormatException {
        List<Deployment> list = assignBootSerials(deployments);
        Repository repo = sysroot.repo();
        boolean sameBootConfigs = list.size() == sysroot.deployments().size();
        boolean noop = sameBootConfigs;
        for (int i = 0; i < list.size() && sameBootConfigs; i++) {
            Deployment now = sysroot.deployments().get(i);
            sameBootConfigs = sameBootConfig(repo, now, list.get(i));
            noop &= now.sameDeployment(list.get(i));
        }
        if (noop && sameBootConfigs) {
            return;
        }
        if (sameBootConfigs) {
            int boot = sysroot.bootVersion();
            int newSub = 1 - sysroot.subBootVersion();
            writeBootLinks(list, boot, newSub);
            syncFs();
            swapSymlink(root.resolve("ostree/boot." + boot), "boot." + boot + "." + newSub);
        } else {
            int newBoot = 1 - sysroot.bootVersion();
            Path oldLink = root.resolve("ostree/boot." + newBoot);
            // Alternate between boot.B.0 and boot.B.1 so the live farm is never rewritten in place.
            int newSub = Files.isSymbolicLink(oldLink) && Files.readSymbolicLink(oldLink).toString().endsWith(".1") ? 0 : 1;
            boolean severalStateroots = list.stream().map(Deployment::osname).distinct().count() > 1;
            Path entries = root.resolve("boot/loader." + newBoot + "/entries");
            EtcMerge.deleteRecursively(entries);
            Files.createDirectories(entries, DIR_0755);
            int n = list.size();
            for (int i = 0; i < n; i++) {
                Deployment d = list.get(i);
                BootEntry e = entryFor(d, i, n, newBoot, severalStateroots);
                AtomicFile.write(entries.resolve("ostree-" + (n - i) + "-" + d.osname() + ".conf"), e.format().getBytes(StandardCharsets.UTF_8));
            }
            writeBootLinks(list, newBoot, newSub);
            swapSymlink(root.resolve("ostree/boot." + newBoot), "boot." + newBoot + "." + newSub);
            Path boot = root.resolve("boot");
            if (!Files.exists(boot.resolve("boot"), LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(boot.resolve("boot"), Path.of("."));
            }
            Path loaderTmp = boot.resolve("loader.tmp");
            Files.deleteIfExists(loaderTmp);
            Files.createSymbolicLink(loaderTmp, Path.of("loader." + newBoot));
            syncFs();
            Files.move(loaderTmp, boot.resolve("loader"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            // Everything else was synced before the swap; the swap itself is one directory entry, as libostree fsyncs it.
            AtomicFile.syncDirectory(boot);
        }
        bumpMtime();
    }

    /** The symlink farm {@code ostree/boot.B.S/<os>/<bootcsum>/<serial>} → the deployment directories. */
    private void writeBootLinks(List<Deployment> list, int boot, int sub) throws IOException {
        Path farm = root.resolve("ostree/boot." + boot + "." + sub);
        EtcMerge.deleteRecursively(farm);
        Files.createDirectories(farm, DIR_0755);
        for (Deployment d : list) {
            Path link = farm.resolve(d.osname()).resolve(d.bootChecksum()).resolve(String.valueOf(d.bootSerial()));
            Files.createDirectories(link.getParent(), DIR_0755);
            Files.createSymbolicLink(link, Path.of("../../../deploy/" + d.osname() + "/deploy/" + d.dirName()));
        }
    }

    /**
     * Whether the bootloader would see no change: same kernel, same arguments but the value of ostree= (which,
     * as in libostree, only keeps its place), same version.
     */
    private static boolean sameBootConfig(Repository repo, Deployment a, Deployment b) {
        return a.bootChecksum().equals(b.bootChecksum())
                && a.kernelArgs().replace("ostree").equals(b.kernelArgs().replace("ostree"))
                && version(repo, a.commit()).equals(version(repo, b.commit()));
    }

    /** The commit's version; none when the commit cannot be read, as libostree compares it. */
    private static Optional<String> version(Repository repo, ObjectId commit) {
        try {
            return repo.readCommit(commit).metadata().getString("version");
        } catch (IOException | OstreeFormatException e) {
            return Optional.empty();
        }
    }

    private static List<Deployment> assignBootSerials(List<Deployment> deployments) {
        List<Deployment> out = new ArrayList<>();
        for (Deployment d : deployments) {
            int serial = (int) out.stream().filter(o -> o.bootChecksum().equals(d.bootChecksum())).count();
            out.add(d.withBootSerial(serial));
        }
        return out;
    }

    private BootEntry entryFor(Deployment d, int index, int n, int bootVersion, boolean severalStateroots) throws IOException {
        BootEntry old = d.bootEntry();
        String baseTitle = old.get("title").orElse(d.osname()).replaceFirst(" \\(ostree(:[^)]*)?\\)$", "");
        String kver = old.get("x-kernel-version").orElse(null);
        boolean initramfs = Boolean.parseBoolean(old.get("x-has-initramfs").orElse("false"));
        if (kver == null) {
            String linux = old.get("linux").orElseThrow(() -> new IOException("boot entry of " + d.dirName() + " has no linux line"));
            kver = linux.substring(linux.lastIndexOf("/vmlinuz-") + "/vmlinuz-".length());
            initramfs = old.get("initrd").isPresent();
        }
        String bootDir = "/ostree/" + d.osname() + "-" + d.bootChecksum() + "/";
        String ostreeArg = "ostree=/ostree/boot." + bootVersion + "/" + d.osname() + "/" + d.bootChecksum() + "/" + d.bootSerial();
        KernelArgs kargs = d.kernelArgs().replace(ostreeArg);
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("title", baseTitle + " (ostree:" + (severalStateroots ? d.osname() + ":" : "") + index + ")");
        fields.put("version", String.valueOf(n - index));
        fields.put("options", kargs.toString());
        fields.put("linux", bootDir + "vmlinuz-" + kver);
        if (initramfs) {
            fields.put("initrd", bootDir + "initramfs-" + kver + ".img");
        }
        for (Map.Entry<String, String> e : old.fields().entrySet()) {
            if (!fields.containsKey(e.getKey()) && !e.getKey().startsWith("x-kernel-") && !e.getKey().equals("x-has-initramfs")) {
                fields.put(e.getKey(), e.getValue());
            }
        }
        return new BootEntry(fields);
    }

    private static void swapSymlink(Path link, String target) throws IOException {
        Path tmp = link.resolveSibling(link.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, Path.of(target));
        Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void syncFs() throws IOException {
        AtomicFile.syncFileSystem(root);
    }

    /** Tells watchers (the daemon, rpm-ostree's) that the deployments changed, as libostree does. */
    private void bumpMtime() throws IOException {
        Files.setLastModifiedTime(root.resolve("ostree/deploy"), FileTime.from(Instant.now()));
    }

    // ------------------------------------------------------------------ list edits

    /** Rewrites the list with one deployment removed ({@code ostree admin undeploy INDEX}); returns it. */
    public Deployment undeploy(int index) throws IOException, OstreeFormatException {
        Deployment[] removed = new Deployment[1];
        edit(list -> {
            checkIndex(list, index);
            if (list.size() == 1) {
                throw new IllegalArgumentException("Cannot undeploy the only deployment");
            }
            removed[0] = list.remove(index);
        });
        return removed[0];
    }

    /** Makes deployment {@code index} the default ({@code ostree admin set-default}). */
    public void setDefault(int index) throws IOException, OstreeFormatException {
        edit(list -> {
            checkIndex(list, index);
            list.add(0, list.remove(index));
        });
    }

    /** Makes the previous deployment the default, as {@code rpm-ostree rollback}; returns the new default. */
    public Deployment rollback() throws IOException, OstreeFormatException {
        edit(list -> {
            if (list.size() < 2) {
                throw new IllegalArgumentException("No rollback deployment found");
            }
            list.add(0, list.remove(1));
        });
        return Sysroot.load(root).deployments().get(0);
    }

    private interface ListEdit {
        void apply(List<Deployment> list);
    }

    private void edit(ListEdit edit) throws IOException, OstreeFormatException {
        checkHeld();
        Sysroot sysroot = Sysroot.load(root);
        List<Deployment> list = new ArrayList<>(sysroot.deployments());
        edit.apply(list);
        writeDeployments(sysroot, list);
        cleanup(true);
    }

    /**
     * Changes the kernel arguments of every deployment where they are recorded ({@code ostree admin kargs
     * edit-in-place}): the boot entries of the current boot version are replaced one by one, and the staged
     * deployment's state; as in libostree, no new boot version is written.
     */
    public void editKernelArgsInPlace(UnaryOperator<KernelArgs> edit) throws IOException, OstreeFormatException {
        checkHeld();
        Sysroot sysroot = Sysroot.load(root);
        List<Deployment> list = sysroot.deployments();
        Optional<StagedDeployment> staged = sysroot.staged();
        if (list.isEmpty() && staged.isEmpty()) {
            throw new IllegalArgumentException("Unable to find a deployment in sysroot");
        }
        if (staged.isPresent()) {
            StagedDeployment st = staged.get();
            new StagedDeployment(st.osname(), st.commit(), st.deploySerial(), st.bootChecksum(), st.mergeName(),
                    edit.apply(new KernelArgs(st.kargs())).args(), st.locked()).write(StagedDeployment.runDir(root));
        }
        Path entries = root.resolve("boot/loader." + sysroot.bootVersion() + "/entries");
        for (int i = 0; i < list.size(); i++) {
            Deployment d = list.get(i);
            BootEntry e = d.bootEntry().with("options", edit.apply(d.kernelArgs()).toString());
            AtomicFile.write(entries.resolve("ostree-" + (list.size() - i) + "-" + d.osname() + ".conf"), e.format().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void checkIndex(List<Deployment> list, int index) {
        if (index < 0 || index >= list.size()) {
            throw new IllegalArgumentException("Out of range deployment index " + index + ", expected < " + list.size());
        }
    }

    /** Pins or unpins a deployment: pinned deployments survive later deploys ({@code ostree admin pin}); returns it. */
    public Deployment pin(int index, boolean pinned) throws IOException, OstreeFormatException {
        checkHeld();
        Sysroot sysroot = Sysroot.load(root);
        checkIndex(sysroot.deployments(), index);
        Deployment d = sysroot.deployments().get(index);
        KeyFile origin = d.origin() != null ? KeyFile.parse(d.origin().format(), "origin") : KeyFile.parse("", "origin");
        if (pinned) {
            origin.set("libostree-transient", "pinned", "true");
        } else {
            origin.remove("libostree-transient", "pinned");
            if (origin.group("libostree-transient").isEmpty()) {
                origin.removeGroup("libostree-transient");
            }
        }
        AtomicFile.write(d.originFile(root), origin.format().getBytes(StandardCharsets.UTF_8));
        bumpMtime();
        return d.withOrigin(origin);
    }

    // ------------------------------------------------------------------ cleanup

    /**
     * {@code ostree admin cleanup}: removes what no boot entry of the current boot version uses and prunes the
     * repository to the refs (the deployed commits among them).
     */
    public void cleanup() throws IOException, OstreeFormatException {
        checkHeld();
        cleanup(true);
    }

    /**
     * As libostree's cleanup: deletes the other loader and link farms, deployment directories and their origins
     * and kernel directories in /boot that no deployment (or the staged one) uses; points the refs
     * {@code ostree/<B>/<S>/<i>} at the deployed commits (staged first); then, if asked, prunes the repository.
     */
    private void cleanup(boolean prune) throws IOException, OstreeFormatException {
        Sysroot sysroot = Sysroot.load(root);
        int other = 1 - sysroot.bootVersion();
        EtcMerge.deleteRecursively(root.resolve("boot/loader." + other));
        Files.deleteIfExists(root.resolve("ostree/boot." + other));
        for (int s = 0; s < 2; s++) {
            EtcMerge.deleteRecursively(root.resolve("ostree/boot." + other + "." + s));
        }
        EtcMerge.deleteRecursively(root.resolve("ostree/boot." + sysroot.bootVersion() + "." + (1 - sysroot.subBootVersion())));
        Set<String> liveDirs = new HashSet<>();
        Set<String> liveBoot = new HashSet<>();
        List<ObjectId> deployed = new ArrayList<>();
        Optional<StagedDeployment> staged = StagedDeployment.read(StagedDeployment.runDir(root));
        if (staged.isPresent()) {
            StagedDeployment st = staged.get();
            liveDirs.add(st.osname() + "/" + st.dirName());
            liveBoot.add(st.osname() + "-" + st.bootChecksum());
            deployed.add(st.commit());
        }
        for (Deployment d : sysroot.deployments()) {
            liveDirs.add(d.osname() + "/" + d.dirName());
            liveBoot.add(d.osname() + "-" + d.bootChecksum());
            deployed.add(d.commit());
        }
        for (String os : sysroot.stateroots()) {
            Path deployDir = root.resolve("ostree/deploy").resolve(os).resolve("deploy");
            if (!Files.isDirectory(deployDir)) {
                continue;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(deployDir)) {
                for (Path p : ds) {
                    String name = p.getFileName().toString();
                    String dirName = name.endsWith(".origin") ? name.substring(0, name.length() - ".origin".length()) : name;
                    if (!liveDirs.contains(os + "/" + dirName) && dirName.matches("[0-9a-f]{64}\\.[0-9]+")) {
                        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                            InodeFlags.setImmutable(p, false);
                        }
                        EtcMerge.deleteRecursively(p);
                    }
                }
            }
        }
        Path bootOstree = root.resolve("boot/ostree");
        if (Files.isDirectory(bootOstree)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(bootOstree)) {
                for (Path p : ds) {
                    String name = p.getFileName().toString();
                    if (name.matches(".+-[0-9a-f]{64}") && !liveBoot.contains(name)) {
                        EtcMerge.deleteRecursively(p);
                    }
                }
            }
        }
        Repository repo = sysroot.repo();
        writeDeploymentRefs(repo, deployed, sysroot.bootVersion(), sysroot.subBootVersion());
        if (prune) {
            new Prune(repo).refsOnly(true).depth(0).run();
        }
    }

    /**
     * Refs {@code ostree/<B>/<S>/<i>} keep deployed commits safe from prune. Only those are replaced: other refs under
     * {@code ostree/} (ostree-ext's {@code ostree/container/...}) belong to their writers.
     */
    private static void writeDeploymentRefs(Repository repo, List<ObjectId> commits, int boot, int sub) throws IOException {
        for (String ref : repo.refs().listLocal().keySet()) {
            if (ref.matches("ostree/[0-9]+/[0-9]+/[0-9]+")) {
                repo.refs().delete(ref);
            }
        }
        for (int i = 0; i < commits.size(); i++) {
            repo.refs().set("ostree/" + boot + "/" + sub + "/" + i, commits.get(i));
        }
    }
}
