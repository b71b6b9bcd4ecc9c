package org.aptostree.ostree.container;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.gvariant.GVariantCodec;
import org.aptostree.ostree.gvariant.VariantDict;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.DirMeta;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.FileHeader;
import org.aptostree.ostree.object.FileMode;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectType;
import org.aptostree.ostree.object.Xattr;
import org.aptostree.ostree.repo.ContentObject;
import org.aptostree.ostree.repo.Repository;

/**
 * Writes the layers of an encapsulated commit in ostree-ext's tar format version 1: the "final" layer (repository
 * skeleton, commit, every dirtree and dirmeta, the directory entries, {@code var/tmp}, then any content no chunk
 * took) and the chunk layers (skeleton, then content objects with their xattrs and hard links). The sequence of
 * entries and the changes to each header follow ostree-ext's {@code OstreeTarWriter}, so the bytes are the same.
 */
final class OstreeTarExport {
    static final String OSTREEDIR = "sysroot/ostree";
    static final String REPO_CONFIG = "[core]\nrepo_version=1\nmode=bare-split-xattrs\n";
    private static final String SELINUX_XATTR = "security.selinux";

    private final Repository repo;
    private final ObjectId commitId;
    private final TarStreamWriter out;
    private boolean wroteInitDirs;
    private boolean structureOnly;
    private boolean wroteVarTmp;
    private final Set<ObjectId> wroteDirtree = new HashSet<>();
    private final Set<ObjectId> wroteDirmeta = new HashSet<>();
    private final Set<ObjectId> wroteContent = new HashSet<>();

    private OstreeTarExport(Repository repo, ObjectId commitId, OutputStream out) {
        this.repo = repo;
        this.commitId = commitId;
        this.out = new TarStreamWriter(out);
    }

    /** A chunk layer: the skeleton, then each object of the chunk (in checksum order) and its links. */
    static void writeChunk(Repository repo, ObjectId commit, Map<ObjectId, CommitContent.Paths> chunk, OutputStream out)
            throws IOException, OstreeFormatException {
        OstreeTarExport w = new OstreeTarExport(repo, commit, out);
        w.writeRepoStructure();
        w.writeObjects(chunk);
        w.out.finish();
    }

    /** The final (commit) layer, with the objects that no chunk holds. */
    static void writeFinal(Repository repo, ObjectId commit, Map<ObjectId, CommitContent.Paths> remainder, OutputStream out)
            throws IOException, OstreeFormatException {
        OstreeTarExport w = new OstreeTarExport(repo, commit, out);
        w.structureOnly = true;
        w.writeCommit();
        w.structureOnly = false;
        w.writeObjects(remainder);
        w.out.finish();
    }

    static String objectPath(ObjectType type, ObjectId id) {
        String hex = id.hex();
        return OSTREEDIR + "/repo/objects/" + hex.substring(0, 2) + "/" + hex.substring(2) + "." + type.extension();
    }

    private static String xattrsLinkPath(ObjectId id) {
        String hex = id.hex();
        return OSTREEDIR + "/repo/objects/" + hex.substring(0, 2) + "/" + hex.substring(2) + ".file-xattrs-link";
    }

    private void appendDefaultDir(String path) throws IOException {
        TarHeader h = TarHeader.gnu();
        h.setType(TarHeader.DIRECTORY);
        h.setUid(0);
        h.setGid(0);
        h.setMode(0755);
        h.setSize(0);
        out.appendData(h, path, new byte[0]);
    }

    private void appendDefaultData(String path, byte[] data) throws IOException {
        TarHeader h = TarHeader.gnu();
        h.setType(TarHeader.REGULAR);
        h.setUid(0);
        h.setGid(0);
        h.setMode(0644);
        h.setSize(data.length);
        out.appendData(h, path, data);
    }

    private void writeRepoStructure() throws IOException {
        if (wroteInitDirs) {
            return;
        }
        String objdir = OSTREEDIR + "/repo/objects";
        String[] parts = objdir.split("/");
        StringBuilder p = new StringBuilder();
        for (String part : parts) {
            if (p.length() > 0) {
                p.append('/');
            }
            p.append(part);
            appendDefaultDir(p.toString());
        }
        for (int d = 0; d <= 0xFF; d++) {
            appendDefaultDir(objdir + "/" + String.format("%02x", d));
        }
        for (String d : new String[] {"extensions", "refs", "refs/heads", "refs/mirrors", "refs/remotes", "state", "tmp", "tmp/cache"}) {
            appendDefaultDir(OSTREEDIR + "/repo/" + d);
        }
        appendDefaultData(OSTREEDIR + "/repo/config", REPO_CONFIG.getBytes(StandardCharsets.UTF_8));
        wroteInitDirs = true;
    }

    private void writeCommit() throws IOException, OstreeFormatException {
        byte[] commitBytes = repo.readMetadataBytes(commitId, ObjectType.COMMIT);
        Commit commit = Commit.decode(commitBytes);
        byte[] rootMetaBytes = repo.readMetadataBytes(commit.rootMeta(), ObjectType.DIR_META);
        appendDir("./", DirMeta.decode(rootMetaBytes));
        writeRepoStructure();
        appendDefaultData(objectPath(ObjectType.COMMIT, commitId), commitBytes);
        Optional<VariantDict> detached = repo.readDetachedMetadata(commitId);
        if (detached.isPresent()) {
            appendDefaultData(objectPath(ObjectType.COMMIT_META, commitId), detached.get().encode());
        }
        appendMetadata(ObjectType.DIR_META, commit.rootMeta(), rootMetaBytes);
        appendDirtree("./", commit.rootTree(), true);
        if (!wroteVarTmp) {
            TarHeader h = TarHeader.gnu();
            h.setType(TarHeader.DIRECTORY);
            h.setSize(0);
            h.setUid(0);
            h.setGid(0);
            h.setMode(01777);
            out.appendData(h, "var/tmp", new byte[0]);
        }
    }

    private void appendMetadata(ObjectType type, ObjectId id, byte[] data) throws IOException {
        Set<ObjectId> written = type == ObjectType.DIR_TREE ? wroteDirtree : wroteDirmeta;
        if (!written.add(id)) {
            return;
        }
        appendDefaultData(objectPath(type, id), data);
    }

    private void appendDir(String path, DirMeta meta) throws IOException {
        TarHeader h = TarHeader.gnu();
        h.setType(TarHeader.DIRECTORY);
        h.setSize(0);
        h.setUid(Integer.toUnsignedLong(meta.uid()));
        h.setGid(Integer.toUnsignedLong(meta.gid()));
        h.setMode(meta.mode() & ~FileMode.S_IFMT);
        out.appendData(h, path, new byte[0]);
    }

    /** {@code dirpath} is "./" for the root and "./a/b" below it, as ostree-ext joins them. */
    private void appendDirtree(String dirpath, ObjectId treeId, boolean isRoot) throws IOException, OstreeFormatException {
        byte[] treeBytes = repo.readMetadataBytes(treeId, ObjectType.DIR_TREE);
        appendMetadata(ObjectType.DIR_TREE, treeId, treeBytes);
        DirTree tree = DirTree.decode(treeBytes);
        if (!structureOnly) {
            throw new IllegalStateException("only the structure of a commit is written by the walk");
        }
        if (stripTarPrefix(dirpath).equals("var/tmp")) {
            wroteVarTmp = true;
        }
        for (DirTree.DirEntry d : tree.dirs()) {
            byte[] metaBytes = repo.readMetadataBytes(d.meta(), ObjectType.DIR_META);
            appendMetadata(ObjectType.DIR_META, d.meta(), metaBytes);
            DirMeta meta = DirMeta.decode(metaBytes);
            if (isRoot && d.name().equals("sysroot")) {
                continue;
            }
            String subpath = mapEtc(join(dirpath, d.name()));
            appendDir(subpath, meta);
            appendDirtree(subpath, d.tree(), false);
        }
    }

    private static String join(String dir, String name) {
        return dir.endsWith("/") ? dir + name : dir + "/" + name;
    }

    /** {@code map_path}: {@code ./usr/etc} and below become {@code ./etc}. */
    private static String mapEtc(String p) {
        if (p.equals("./usr/etc")) {
            return "./etc";
        }
        if (p.startsWith("./usr/etc/")) {
            return "./etc/" + p.substring("./usr/etc/".length());
        }
        return p;
    }

    private static String stripTarPrefix(String p) {
        if (p.startsWith("/")) {
            return p.substring(1);
        }
        if (p.startsWith("./")) {
            return p.substring(2);
        }
        return p;
    }

    /** {@code path_for_tar_v1}: no leading "/", and {@code usr/etc} mapped to {@code etc}. */
    static String tarPathV1(String absolute) {
        String p = absolute.startsWith("/") ? absolute.substring(1) : absolute;
        if (p.equals("usr/etc") || p.startsWith("usr/etc/")) {
            return p.substring(4);
        }
        return p;
    }

    private void writeObjects(Map<ObjectId, CommitContent.Paths> objects) throws IOException, OstreeFormatException {
        for (Map.Entry<ObjectId, CommitContent.Paths> e : objects.entrySet()) {
            TarHeader h = appendContent(e.getKey());
            String objpath = objectPath(ObjectType.FILE, e.getKey());
            for (String path : e.getValue().paths) {
                appendContentHardlink(objpath, h.copy(), tarPathV1(path));
            }
        }
    }

    /** Writes the object (once) and returns its header, whose state the links start from. */
    private TarHeader appendContent(ObjectId id) throws IOException, OstreeFormatException {
        String path = objectPath(ObjectType.FILE, id);
        try (ContentObject c = repo.openContent(id)) {
            FileHeader fh = c.header();
            TarHeader h = TarHeader.gnu();
            h.setUid(Integer.toUnsignedLong(fh.uid()));
            h.setGid(Integer.toUnsignedLong(fh.gid()));
            h.setMode(fh.mode() & ~FileMode.S_IFMT);
            if (!fh.isSymlink()) {
                h.setType(TarHeader.REGULAR);
                h.setSize(c.size());
            } else {
                h.setType(TarHeader.SYMLINK);
                h.setSize(0);
            }
            if (wroteContent.add(id)) {
                appendDefaultData(xattrsLinkPath(id), xattrsVariant(fh.xattrs()));
                List<Map.Entry<String, byte[]>> pax = new ArrayList<>();
                for (Xattr x : fh.xattrs()) {
                    if (!x.name().equals(SELINUX_XATTR)) {
                        pax.add(new AbstractMap.SimpleImmutableEntry<>("SCHILY.xattr." + x.name(), x.value()));
                    }
                }
                out.appendPax(pax);
                if (!fh.isSymlink()) {
                    out.appendData(h, path, c.stream(), c.size());
                } else if (fh.symlinkTarget().contains("//")) {
                    h.setLinkNameLiteral(fh.symlinkTarget());
                    out.appendData(h, path, new byte[0]);
                } else {
                    out.appendLink(h, path, fh.symlinkTarget());
                }
            }
            return h;
        }
    }

    /** Empty regular files become regular entries of their own; everything else a size-0 hard link to the object. */
    private void appendContentHardlink(String objpath, TarHeader h, String dest) throws IOException {
        boolean emptyRegular = h.type() == TarHeader.REGULAR && h.size() == 0;
        h.setSize(0);
        if (emptyRegular) {
            out.appendData(h, dest, new byte[0]);
        } else {
            h.setType(TarHeader.LINK);
            h.setLinkName(objpath);
            out.appendData(h, dest, new byte[0]);
        }
    }

    /** The xattrs as the {@code a(ayay)} GVariant libostree hands out. */
    static byte[] xattrsVariant(List<Xattr> xattrs) {
        List<Object> list = new ArrayList<>(xattrs.size());
        for (Xattr x : xattrs) {
            byte[] n = x.name().getBytes(StandardCharsets.UTF_8);
            list.add(List.of(java.util.Arrays.copyOf(n, n.length + 1), x.value()));
        }
        return GVariantCodec.encode("a(ayay)", list);
    }
}
