package org.aptostree.ostree.container;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.gvariant.Variant;
import org.aptostree.ostree.gvariant.VariantDict;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.DirMeta;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.FileHeader;
import org.aptostree.ostree.object.FileMode;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectType;
import org.aptostree.ostree.object.Xattr;
import org.aptostree.ostree.repo.ObjectInserter;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.repo.WorkerPool;

/**
 * Stores a derived layer (one a Containerfile's {@code RUN} added, not an ostree one) as a commit, as ostree-ext's
 * {@code tar::write_tar} does (a filter in front of {@code ostree commit --tree=tar --tar-autocreate-parents}):
 * <ul>
 * <li>paths lose a leading {@code /}; a {@code ..} component fails the layer;</li>
 * <li>{@code /usr} stays, {@code /etc} goes to {@code /usr/etc}, {@code /var} to {@code /usr/share/factory/var}
 * (ostree-ext's mapping for libostree before 2024.3, which is what Debian's ostree is);</li>
 * <li>{@code /run}, {@code /tmp}, {@code /proc}, {@code /sys}, {@code /dev} keep their directory but lose their
 * content, and every other top-level path is dropped unless the base mounts a transient root; what is dropped is
 * counted per top-level name;</li>
 * <li>a regular file under {@code sysroot/ostree/repo} is the content of the first hard link to it from outside the
 * store, and later links point there (ostree-ext's handling of builds that edit files hard-linked into the base's
 * object store). ostree-ext takes only files with an mtime after the epoch; a layer holds such a file only because
 * the build changed its inode, and a {@code chmod} leaves the mtime at the base's zero, so every one is taken;</li>
 * <li>whiteouts ({@code .wh.*}) are kept as files; {@link LayerMerge} applies them.</li>
 * </ul>
 * Like libostree's tar import, a path below a file or symlink of the same layer is refused (following an absolute
 * symlink there would be following it out of the image), and so is a directory replacing a file or the reverse.
 * Nothing is written to a path: the tree is assembled in memory and stored as objects.
 */
final class DerivedLayer {
    static final String IMPORTER_VERSION_KEY = "ostree.importer.version";
    /** Tar members up to this size are buffered so that hashing runs off the reading thread. */
    private static final int BUFFER_LIMIT = 4 << 20;
    private static final Set<String> EXCLUDED_TOPLEVEL = Set.of("run", "tmp", "proc", "sys", "dev");
    private static final String PAX_XATTR = "SCHILY.xattr.";
    private static final String REPO_PREFIX = "sysroot/ostree/repo/";

    /** The layer's commit and how many paths were dropped, by top-level name. */
    record Result(ObjectId commit, SortedMap<String, Integer> filtered) {
    }

    private final Repository repo;
    private final ObjectInserter inserter;
    private final WorkerPool workers;
    private final boolean allowNonUsr;
    private final String where;
    private final OverlayTree tree;
    private final SortedMap<String, Integer> filtered = new TreeMap<>();
    /** Regular files of this layer by normalized path, for hard links. */
    private final Map<String, Future<ObjectId>> byPath = new HashMap<>();
    /** Changed files of the base's object store, kept until a hard link names them. */
    private final Map<String, Stashed> changedObjects = new HashMap<>();
    private final Map<String, String> relinked = new HashMap<>();

    private record Stashed(TarArchiveEntry header, Path data) {
    }

    private DerivedLayer(Repository repo, ObjectInserter inserter, WorkerPool workers, boolean allowNonUsr, String where) {
        this.repo = repo;
        this.inserter = inserter;
        this.workers = workers;
        this.allowNonUsr = allowNonUsr;
        this.where = where;
        this.tree = OverlayTree.empty(repo, OverlayTree.DEFAULT_DIR);
    }

    /**
     * Stores the layer's tar as a commit; {@code allowNonUsr} keeps top-level paths other than {@code /usr},
     * {@code /etc} and {@code /var} (for bases with a transient root).
     */
    static Result write(Repository repo, ObjectInserter inserter, WorkerPool workers, InputStream tar, boolean allowNonUsr,
            String importerVersion, String where) throws IOException, OstreeFormatException {
        DerivedLayer l = new DerivedLayer(repo, inserter, workers, allowNonUsr, where);
        try {
            l.read(tar);
        } finally {
            for (Stashed s : l.changedObjects.values()) {
                Files.deleteIfExists(s.data());
            }
        }
        OverlayTree.Root root = l.tree.write(inserter);
        VariantDict meta = VariantDict.of(Map.of(IMPORTER_VERSION_KEY, Variant.ofString(importerVersion)));
        Commit c = new Commit(meta, Optional.empty(), "", "", 0, root.tree(), root.meta());
        return new Result(inserter.writeMetadata(ObjectType.COMMIT, c.encode()), l.filtered);
    }

    private OstreeFormatException error(String message) {
        return new OstreeFormatException(where + ": " + message);
    }

    private void read(InputStream in) throws IOException, OstreeFormatException {
        TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name());
        TarArchiveEntry e;
        while ((e = nextEntry(tar)) != null) {
            List<String> parts = components(e.getName());
            String path = String.join("/", parts);
            if (path.startsWith(REPO_PREFIX)) {
                if (e.isFile() && !e.isLink()) {
                    Path data = Files.createTempFile(repo.path().resolve("tmp"), "changed-object", ".tmp");
                    try (OutputStream out = Files.newOutputStream(data)) {
                        copy(tar, out, e.getSize());
                    }
                    Stashed old = changedObjects.put(path, new Stashed(e, data));
                    if (old != null) {
                        Files.deleteIfExists(old.data());
                    }
                    continue;
                }
            } else if (e.isLink()) {
                String target = String.join("/", components(e.getLinkName()));
                if (target.startsWith(REPO_PREFIX)) {
                    List<String> normal = normalize(parts);
                    Stashed s = normal == null ? null : changedObjects.remove(target);
                    if (s != null) {
                        try (InputStream data = Files.newInputStream(s.data())) {
                            addRegular(normal, e.getName(), s.header(), data);
                        } finally {
                            Files.deleteIfExists(s.data());
                        }
                        relinked.put(target, String.join("/", normal));
                    } else if (normal != null && relinked.containsKey(target)) {
                        addLink(normal, e.getName(), relinked.get(target));
                    }
                    // A link into the object store to something unchanged is the base's file already.
                    continue;
                }
            }
            List<String> normal = normalize(parts);
            if (normal == null) {
                continue;
            }
            add(tar, e, normal);
        }
    }

    private static TarArchiveEntry nextEntry(TarArchiveInputStream tar) throws IOException, OstreeFormatException {
        try {
            return tar.getNextEntry();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new OstreeFormatException("invalid tar stream: " + e.getMessage());
        }
    }

    /** The components of a tar path: no leading {@code /}, no empty or {@code .} parts; {@code ..} fails. */
    private List<String> components(String name) throws OstreeFormatException {
        List<String> parts = new ArrayList<>();
        for (String p : name.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                throw error("Invalid path: " + name + " (a '..' component would leave the image)");
            }
            parts.add(p);
        }
        return parts;
    }

    /** ostree-ext's {@code normalize_validate_path}: the path to store, or null when it is dropped (and counted). */
    private List<String> normalize(List<String> parts) {
        if (parts.isEmpty()) {
            return parts;
        }
        String top = parts.get(0);
        List<String> out = new ArrayList<>();
        switch (top) {
            case "usr" -> out.add("usr");
            case "etc" -> out.addAll(List.of("usr", "etc"));
            case "var" -> out.addAll(List.of("usr", "share", "factory", "var"));
            default -> {
                if (EXCLUDED_TOPLEVEL.contains(top)) {
                    if (parts.size() > 1) {
                        filtered.merge(top, 1, Integer::sum);
                        return null;
                    }
                    out.add(top);
                } else if (allowNonUsr) {
                    out.add(top);
                } else {
                    filtered.merge(top, 1, Integer::sum);
                    return null;
                }
            }
        }
        out.addAll(parts.subList(1, parts.size()));
        return out;
    }

    /** The directory that holds {@code parts}' last component, made as needed; a non-directory on the way fails. */
    private OverlayTree.Dir parent(List<String> parts, String name) throws IOException, OstreeFormatException {
        OverlayTree.Dir d = tree.root;
        for (int i = 0; i < parts.size() - 1; i++) {
            Map<String, OverlayTree.Node> c = tree.children(d);
            OverlayTree.Node n = c.get(parts.get(i));
            if (n == null) {
                OverlayTree.Dir made = new OverlayTree.Dir(OverlayTree.DEFAULT_DIR);
                c.put(parts.get(i), made);
                d = made;
            } else if (n instanceof OverlayTree.Dir sub) {
                d = sub;
            } else {
                throw error("tar member '" + name + "' lies below '" + String.join("/", parts.subList(0, i + 1))
                        + "', which is a file or symlink in this layer: refusing to follow it");
            }
        }
        return d;
    }

    private void add(TarArchiveInputStream tar, TarArchiveEntry e, List<String> parts) throws IOException, OstreeFormatException {
        String name = e.getName();
        if (e.isDirectory()) {
            DirMeta meta = new DirMeta((int) e.getLongUserId(), (int) e.getLongGroupId(), FileMode.S_IFDIR | (e.getMode() & FileMode.PERMISSIONS),
                    xattrs(e));
            if (parts.isEmpty()) {
                tree.root.setMeta(meta);
                return;
            }
            Map<String, OverlayTree.Node> c = tree.children(parent(parts, name));
            OverlayTree.Node n = c.get(last(parts));
            if (n instanceof OverlayTree.Dir d) {
                d.setMeta(meta);
            } else if (n != null) {
                throw error("tar member '" + name + "' is a directory where this layer has a file or symlink");
            } else {
                c.put(last(parts), new OverlayTree.Dir(meta));
            }
            return;
        }
        if (parts.isEmpty()) {
            throw error("tar member '" + name + "' names the root but is not a directory");
        }
        if (e.isSymbolicLink()) {
            FileHeader h = FileHeader.symlink((int) e.getLongUserId(), (int) e.getLongGroupId(), e.getLinkName(), xattrs(e));
            h.validate();
            put(parts, name, workers.submit(() -> inserter.writeContent(h, InputStream.nullInputStream(), 0)));
        } else if (e.isLink()) {
            List<String> target = normalize(components(e.getLinkName()));
            if (target == null) {
                throw error("hard link '" + name + "' points at '" + e.getLinkName() + "', which is outside what the image keeps");
            }
            addLink(parts, name, String.join("/", target));
        } else if (e.isFile()) {
            addRegular(parts, name, e, tar);
        } else {
            throw error("tar member '" + name + "' has type '" + (char) e.getLinkFlag()
                    + "': devices and fifos cannot be stored in an ostree commit");
        }
    }

    private void addRegular(List<String> parts, String name, TarArchiveEntry e, InputStream data) throws IOException, OstreeFormatException {
        FileHeader h = FileHeader.regular((int) e.getLongUserId(), (int) e.getLongGroupId(), e.getMode() & FileMode.PERMISSIONS, xattrs(e));
        long size = e.getSize();
        Future<ObjectId> content;
        if (size <= BUFFER_LIMIT) {
            byte[] bytes = data.readNBytes((int) size);
            if (bytes.length != size) {
                throw error("tar member '" + name + "' is truncated");
            }
            content = workers.submit(() -> inserter.writeContent(h, new ByteArrayInputStream(bytes), size));
        } else {
            content = CompletableFuture.completedFuture(inserter.writeContent(h, data, size));
        }
        put(parts, name, content);
        byPath.put(String.join("/", parts), content);
    }

    private void addLink(List<String> parts, String name, String target) throws IOException, OstreeFormatException {
        Future<ObjectId> content = byPath.get(target);
        if (content == null) {
            throw error("hard link '" + name + "' points at '" + target + "', which is not an earlier regular file of this layer");
        }
        put(parts, name, content);
        byPath.put(String.join("/", parts), content);
    }

    private void put(List<String> parts, String name, Future<ObjectId> content) throws IOException, OstreeFormatException {
        Map<String, OverlayTree.Node> c = tree.children(parent(parts, name));
        if (c.get(last(parts)) instanceof OverlayTree.Dir) {
            throw error("tar member '" + name + "' is a file where this layer has a directory");
        }
        DirTree.validName(last(parts));
        c.put(last(parts), new OverlayTree.File(content));
    }

    private static String last(List<String> parts) {
        return parts.get(parts.size() - 1);
    }

    /**
     * The {@code SCHILY.xattr.*} records. Commons Compress reads PAX values as UTF-8, so a binary value that is not
     * UTF-8 (a file capability, say) arrives damaged: that is refused rather than stored wrong.
     */
    private List<Xattr> xattrs(TarArchiveEntry e) throws OstreeFormatException {
        List<Xattr> out = new ArrayList<>();
        for (Map.Entry<String, String> h : e.getExtraPaxHeaders().entrySet()) {
            if (!h.getKey().startsWith(PAX_XATTR)) {
                continue;
            }
            String v = h.getValue();
            if (v.indexOf('\uFFFD') >= 0) {
                throw error("tar member '" + e.getName() + "': the value of xattr " + h.getKey().substring(PAX_XATTR.length())
                        + " is binary, which this importer cannot read without damage yet");
            }
            out.add(new Xattr(h.getKey().substring(PAX_XATTR.length()), v.getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    private void copy(InputStream in, OutputStream out, long size) throws IOException, OstreeFormatException {
        byte[] buf = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw error("truncated tar member");
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }
}
