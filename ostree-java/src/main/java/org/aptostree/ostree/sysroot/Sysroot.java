package org.aptostree.ostree.sysroot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.KeyFile;
import org.aptostree.ostree.repo.Repository;

/**
 * A physical root holding OSTree deployments, read as libostree reads it: the current boot version from
 * {@code boot/loader}, the deployments from that version's boot entries (default first), each resolved through
 * its {@code ostree=} kernel argument and the {@code ostree/boot.B/...} symlink to its deployment directory.
 */
public final class Sysroot {
    private static final Pattern BOOTLINK = Pattern.compile("^/ostree/boot\\.([01])/([^/]+)/([^/]+)/([0-9]+)$");
    private static final Pattern DEPLOY_TARGET = Pattern.compile("^\\.\\./\\.\\./\\.\\./deploy/([^/]+)/deploy/([0-9a-f]{64})\\.([0-9]+)$");

    private final Path root;
    private final int bootVersion;
    private final int subBootVersion;
    private final List<Deployment> deployments;
    private final Optional<Deployment> booted;

    private Sysroot(Path root, int bootVersion, int subBootVersion, List<Deployment> deployments, Optional<Deployment> booted) {
        this.root = root;
        this.bootVersion = bootVersion;
        this.subBootVersion = subBootVersion;
        this.deployments = List.copyOf(deployments);
        this.booted = booted;
    }

    /** Loads a sysroot; fails with a clear message when the directory is not an OSTree system. */
    public static Sysroot load(Path root) throws IOException, OstreeFormatException {
        requireOstreeSystem(root);
        int bootVersion = readBootVersion(root);
        int subBootVersion = readSubBootVersion(root, bootVersion);
        List<Deployment> list = new ArrayList<>();
        Path entries = root.resolve("boot/loader." + bootVersion + "/entries");
        List<BootEntry> parsed = new ArrayList<>();
        if (Files.isDirectory(entries)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(entries, "*.conf")) {
                for (Path p : ds) {
                    BootEntry e = BootEntry.parse(Files.readString(p), p.toString());
                    if (KernelArgs.parse(e.options()).value("ostree").isPresent()) {
                        parsed.add(e);
                    }
                }
            }
        }
        parsed.sort(Comparator.comparingLong((BootEntry e) -> Long.parseLong(e.get("version").orElse("0"))).reversed());
        for (BootEntry e : parsed) {
            list.add(resolve(root, e));
        }
        return new Sysroot(root, bootVersion, subBootVersion, list, findBooted(root, list));
    }

    /** Fails with a clear message when {@code root} has no {@code ostree/deploy} or no {@code ostree/repo}. */
    static void requireOstreeSystem(Path root) throws NotOstreeSystemException {
        Path deployDir = root.resolve("ostree/deploy");
        Path repoDir = root.resolve("ostree/repo");
        if (!Files.isDirectory(deployDir) || !Files.isDirectory(repoDir)) {
            throw new NotOstreeSystemException("This is not an OSTree system: " + (Files.isDirectory(deployDir) ? repoDir : deployDir)
                    + " is missing. apt-ostree manages systems booted from an OSTree deployment (created with"
                    + " 'ostree admin init-fs' and 'ostree admin deploy'); check that " + root
                    + " is the system's physical root (or pass --sysroot) and that /run/ostree-booted exists on a booted system.");
        }
    }

    static int readBootVersion(Path root) throws IOException, OstreeFormatException {
        Path loader = root.resolve("boot/loader");
        if (!Files.isSymbolicLink(loader)) {
            if (Files.exists(loader, LinkOption.NOFOLLOW_LINKS)) {
                throw new OstreeFormatException("Not a symbolic link: " + loader);
            }
            return 0;
        }
        String target = Files.readSymbolicLink(loader).toString();
        switch (target) {
            case "loader.0": return 0;
            case "loader.1": return 1;
            default: throw new OstreeFormatException("Invalid target '" + target + "' in " + loader);
        }
    }

    static int readSubBootVersion(Path root, int bootVersion) throws IOException {
        Path link = root.resolve("ostree/boot." + bootVersion);
        if (!Files.isSymbolicLink(link)) {
            return 0;
        }
        String target = Files.readSymbolicLink(link).toString();
        return target.endsWith(".1") ? 1 : 0;
    }

    private static Deployment resolve(Path root, BootEntry entry) throws IOException, OstreeFormatException {
        String ostreeArg = KernelArgs.parse(entry.options()).value("ostree").orElseThrow();
        Matcher m = BOOTLINK.matcher(ostreeArg);
        if (!m.matches()) {
            throw new OstreeFormatException("Invalid ostree= argument '" + ostreeArg + "' in boot entry " + entry.get("title").orElse(""));
        }
        Path link = root.resolve(ostreeArg.substring(1));
        if (!Files.isSymbolicLink(link)) {
            throw new OstreeFormatException("Boot link " + link + " is missing or not a symbolic link");
        }
        String target = Files.readSymbolicLink(link).toString();
        Matcher t = DEPLOY_TARGET.matcher(target);
        if (!t.matches()) {
            throw new OstreeFormatException("Invalid boot link target '" + target + "' of " + link);
        }
        String osname = t.group(1);
        ObjectId commit = ObjectId.fromHex(t.group(2));
        int serial = Integer.parseInt(t.group(3));
        Path originFile = root.resolve("ostree/deploy").resolve(osname).resolve("deploy").resolve(commit.hex() + "." + serial + ".origin");
        KeyFile origin = Files.exists(originFile) ? KeyFile.parse(Files.readString(originFile, StandardCharsets.UTF_8), originFile.toString()) : null;
        return new Deployment(osname, commit, serial, m.group(3), Integer.parseInt(m.group(4)), entry, origin);
    }

    /**
     * On a booted system ({@code /run/ostree-booted}, the sysroot at {@code /}), the deployment whose directory is
     * {@code /}: as libostree finds it, by the (device, inode) of {@code /}, which ostree-prepare-root made a bind
     * mount of the deployment's directory. The kernel command line's {@code ostree=} would name the same one after a
     * boot through the initramfs, but not in a container booted from the deployment, which shares the host's.
     */
    private static Optional<Deployment> findBooted(Path root, List<Deployment> list) throws IOException {
        if (!root.toAbsolutePath().normalize().equals(Path.of("/")) || !Files.exists(Path.of("/run/ostree-booted"))) {
            return Optional.empty();
        }
        Object rootId = deviceAndInode(Path.of("/"));
        for (Deployment d : list) {
            if (deviceAndInode(d.dir(root)).equals(rootId)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    private static List<Object> deviceAndInode(Path dir) throws IOException {
        Map<String, Object> a = Files.readAttributes(dir, "unix:dev,ino");
        return List.of(a.get("dev"), a.get("ino"));
    }

    public Path root() {
        return root;
    }

    public int bootVersion() {
        return bootVersion;
    }

    public int subBootVersion() {
        return subBootVersion;
    }

    /** Deployments in boot order: the default first. */
    public List<Deployment> deployments() {
        return deployments;
    }

    public Optional<Deployment> booted() {
        return booted;
    }

    /** The deployment staged for the next shutdown, if any. */
    public Optional<StagedDeployment> staged() throws IOException, OstreeFormatException {
        return StagedDeployment.read(StagedDeployment.runDir(root));
    }

    /** The deployment whose /etc a new deployment of {@code osname} inherits: the booted one, else the default. */
    public Optional<Deployment> mergeDeployment(String osname) {
        if (booted.isPresent() && booted.get().osname().equals(osname)) {
            return booted;
        }
        return deployments.stream().filter(d -> d.osname().equals(osname)).findFirst();
    }

    public Repository repo() throws IOException, OstreeFormatException {
        return Repository.open(root.resolve("ostree/repo"));
    }

    /** Stateroots: the directories under {@code ostree/deploy}. */
    public List<String> stateroots() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root.resolve("ostree/deploy"))) {
            for (Path p : ds) {
                if (Files.isDirectory(p)) {
                    names.add(p.getFileName().toString());
                }
            }
        }
        names.sort(null);
        return names;
    }
}
