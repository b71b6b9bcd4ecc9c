package org.aptostree.ostree.sysroot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.FileMode;
import org.aptostree.ostree.object.ObjectId;
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

    /** Finds the kernel of a checked-out tree; empty when it has none. */
    public static Optional<KernelFiles> find(Path deployment) throws IOException, OstreeFormatException {
        return find(new Tree() {
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
        });
    }

    /**
     * Finds the kernel of a commit from the repository alone, so its checksum can be computed while the commit is
     * still being checked out.
     */
    public static Optional<KernelFiles> findInCommit(Repository repo, ObjectId commit) throws IOException, OstreeFormatException {
        return find(new Tree() {
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
        });
    }

    private static Optional<KernelFiles> find(Tree tree) throws IOException, OstreeFormatException {
        for (String kver : tree.list("usr/lib/modules")) {
            String dir = "usr/lib/modules/" + kver + "/";
            if (tree.isRegularFile(dir + "vmlinuz")) {
                Optional<String> initramfs = firstRegular(tree, dir + "initramfs.img", dir + "initramfs");
                Optional<String> dtb = firstRegular(tree, dir + "devicetree");
                return Optional.of(new KernelFiles(kver, dir + "vmlinuz", initramfs, dtb, checksum(tree, dir + "vmlinuz", initramfs, dtb)));
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
                return Optional.of(new KernelFiles(kver, path, initramfs, Optional.empty(), csum));
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

    private static String checksum(Tree tree, String kernel, Optional<String> initramfs, Optional<String> dtb)
            throws IOException, OstreeFormatException {
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<String> parts = new ArrayList<>();
        parts.add(kernel);
        initramfs.ifPresent(parts::add);
        dtb.ifPresent(parts::add);
        byte[] buf = new byte[64 * 1024];
        for (String p : parts) {
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
