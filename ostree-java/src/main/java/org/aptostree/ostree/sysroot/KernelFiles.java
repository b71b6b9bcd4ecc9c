package org.aptostree.ostree.sysroot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.FileMode;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectType;
import org.aptostree.ostree.repo.ContentObject;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.repo.TreeEntry;

/**
 * The kernel of a deployment, found as libostree finds it: {@code usr/lib/modules/<kver>/vmlinuz} with
 * {@code initramfs.img} (or {@code initramfs}) and {@code devicetree} beside it, or the legacy
 * {@code vmlinuz-<kver>-<bootcsum>} files in {@code usr/lib/ostree-boot} or {@code boot}. The boot checksum is
 * SHA-256 over the kernel, initramfs and devicetree bytes. Paths are relative to the deployment root.
 */
public record KernelFiles(String version, String kernel, Optional<String> initramfs, Optional<String> devicetree, String bootChecksum) {

    /** Read access to a tree: a checked-out directory, or a commit in a repository. */
    private interface Tree {
        /** Names in a directory, sorted; empty if it is not a directory. */
        List<String> list(String dir) throws IOException, OstreeFormatException;

        boolean isRegularFile(String path) throws IOException, OstreeFormatException;

        InputStream open(String path) throws IOException, OstreeFormatException;
    }

    /** Finds the kernel of a checked-out tree and hashes it; empty when it has none. */
    public static Optional<KernelFiles> find(Path deployment) throws IOException, OstreeFormatException {
        Tree tree = directory(deployment);
        Optional<Located> found = locate(tree);
        return found.isPresent() ? Optional.of(found.get().withChecksum(checksum(tree, found.get()))) : Optional.empty();
    }

    /** Finds the kernel of a checked-out tree whose boot checksum is known (a staged deployment's), without hashing. */
    public static Optional<KernelFiles> find(Path deployment, String bootChecksum) throws IOException, OstreeFormatException {
        return locate(directory(deployment)).map(l -> l.withChecksum(l.namedChecksum().orElse(bootChecksum)));
    }

    /**
     * Finds the kernel of a commit from the repository alone, so its checksum can be computed while the commit is
     * still being checked out. When one of {@code deployed} boots the same kernel, initramfs and devicetree objects
     * (a layering or an upgrade that kept the kernel), its boot checksum is theirs: the checksum is of those bytes,
     * and hashing a real kernel and initramfs (tens of MB) would cost more than the rest of a layering.
     */
    public static Optional<KernelFiles> findInCommit(Repository repo, ObjectId commit, Collection<Deployment> deployed)
            throws IOException, OstreeFormatException {
        Tree tree = commitTree(repo, commit);
        Optional<Located> found = locate(tree);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Located kernel = found.get();
        if (kernel.namedChecksum().isPresent()) {
            return Optional.of(kernel.withChecksum(kernel.namedChecksum().get()));
        }
        List<ObjectId> contents = contents(repo, commit, kernel);
        for (Deployment d : deployed) {
            if (!repo.has(d.commit(), ObjectType.COMMIT)) {
                continue;
            }
            Optional<Located> theirs = locate(commitTree(repo, d.commit()));
            if (theirs.isPresent() && theirs.get().namedChecksum().isEmpty() && contents(repo, d.commit(), theirs.get()).equals(contents)) {
                return Optional.of(kernel.withChecksum(d.bootChecksum()));
            }
        }
        return Optional.of(kernel.withChecksum(checksum(tree, kernel)));
    }

    /** The kernel files' paths before their checksum; a legacy layout names its checksum. */
    private record Located(String version, String kernel, Optional<String> initramfs, Optional<String> devicetree,
                           Optional<String> namedChecksum) {
        /** The files the boot checksum covers, in the order it hashes them. */
        List<String> parts() {
            List<String> parts = new ArrayList<>();
            parts.add(kernel);
            initramfs.ifPresent(parts::add);
            devicetree.ifPresent(parts::add);
            return parts;
        }

        KernelFiles withChecksum(String bootChecksum) {
            return new KernelFiles(version, kernel, initramfs, devicetree, bootChecksum);
        }
    }

    private static Tree directory(Path deployment) {
        return new Tree() {
            @Override
            public List<String> list(String dir) throws IOException {
                List<String> names = new ArrayList<>();
                Path d = deployment.resolve(dir);
                if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                    try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
                        ds.forEach(p -> names.add(p.getFileName().toString()));
                    }
                }
                names.sort(null);
                return names;
            }

            @Override
            public boolean isRegularFile(String path) {
                return Files.isRegularFile(deployment.resolve(path), LinkOption.NOFOLLOW_LINKS);
            }

            @Override
            public InputStream open(String path) throws IOException {
                return Files.newInputStream(deployment.resolve(path));
            }
        };
    }

    private static Tree commitTree(Repository repo, ObjectId commit) {
        return new Tree() {
            @Override
            public List<String> list(String dir) throws IOException, OstreeFormatException {
                Optional<TreeEntry> e = repo.lookup(commit, dir);
                List<String> names = new ArrayList<>();
                if (e.isPresent() && e.get() instanceof TreeEntry.Dir d) {
                    DirTree t = repo.readDirTree(d.tree());
                    t.files().forEach(f -> names.add(f.name()));
                    t.dirs().forEach(x -> names.add(x.name()));
                }
                names.sort(null);
                return names;
            }

            @Override
            public boolean isRegularFile(String path) throws IOException, OstreeFormatException {
                Optional<TreeEntry> e = repo.lookup(commit, path);
                return e.isPresent() && e.get() instanceof TreeEntry.File f && FileMode.isRegular(repo.contentMode(f.content()));
            }

            @Override
            public InputStream open(String path) throws IOException, OstreeFormatException {
                TreeEntry.File f = (TreeEntry.File) repo.lookup(commit, path).orElseThrow();
                ContentObject c = repo.openContent(f.content());
                return c.stream();
            }
        };
    }

    /** The content objects of the files the boot checksum covers, in its order. */
    private static List<ObjectId> contents(Repository repo, ObjectId commit, Located kernel) throws IOException, OstreeFormatException {
        List<ObjectId> ids = new ArrayList<>();
        for (String path : kernel.parts()) {
            ids.add(((TreeEntry.File) repo.lookup(commit, path).orElseThrow()).content());
        }
        return ids;
    }

    private static Optional<Located> locate(Tree tree) throws IOException, OstreeFormatException {
        for (String kver : tree.list("usr/lib/modules")) {
            String dir = "usr/lib/modules/" + kver + "/";
            if (tree.isRegularFile(dir + "vmlinuz")) {
                Optional<String> initramfs = firstRegular(tree, dir + "initramfs.img", dir + "initramfs");
                Optional<String> dtb = firstRegular(tree, dir + "devicetree");
                return Optional.of(new Located(kver, dir + "vmlinuz", initramfs, dtb, Optional.empty()));
            }
        }
        for (String legacy : new String[] {"usr/lib/ostree-boot", "boot"}) {
            for (String name : tree.list(legacy)) {
                int dash = name.lastIndexOf('-');
                String path = legacy + "/" + name;
                if (!name.startsWith("vmlinuz-") || dash <= "vmlinuz".length() || !tree.isRegularFile(path)) {
                    continue;
                }
                String csum = name.substring(dash + 1);
                String kver = name.substring("vmlinuz-".length(), dash);
                Optional<String> initramfs = firstRegular(tree, legacy + "/initramfs-" + kver + ".img-" + csum,
                        legacy + "/initramfs-" + kver + "-" + csum);
                return Optional.of(new Located(kver, path, initramfs, Optional.empty(), Optional.of(csum)));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> firstRegular(Tree tree, String... candidates) throws IOException, OstreeFormatException {
        for (String p : candidates) {
            if (tree.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static String checksum(Tree tree, Located kernel) throws IOException, OstreeFormatException {
        if (kernel.namedChecksum().isPresent()) {
            return kernel.namedChecksum().get();
        }
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[64 * 1024];
        for (String p : kernel.parts()) {
            try (InputStream in = tree.open(p)) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    d.update(buf, 0, n);
                }
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
