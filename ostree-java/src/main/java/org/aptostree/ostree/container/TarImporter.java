package org.aptostree.ostree.container;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.aptostree.openpgp.Keyring;
import org.aptostree.openpgp.RejectedSignatureException;
import org.aptostree.openpgp.SignaturePolicy;
import org.aptostree.openpgp.Verification;
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
import org.aptostree.ostree.repo.ObjectInserter;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.sign.CommitSignatures;

/**
 * Reads the objects of an ostree-container layer into a repository, as ostree-ext's tar importer: only entries
 * under {@code sysroot/ostree/repo/} count; in commit mode the first must be the {@code .commit}; each
 * {@code .file} must follow its xattrs reference, in any of the forms ostree-ext has written (v1
 * {@code .file-xattrs-link} as a regular file or as a hard link to a shared {@code .file-xattrs}, v0
 * {@code .file.xattrs} links to {@code xattrs/<sha256>}). Every object is checked against the checksum its
 * name gives before it is renamed into the store, so a mismatch fails the import and stores nothing. With a keyring
 * (an {@code ostree-remote-image:} reference), the {@code .commitmeta} must follow the commit and carry a good
 * signature before either is stored, as ostree-ext's importer requires of a signing remote.
 */
final class TarImporter {
    static final String REPO_PREFIX = "sysroot/ostree/repo/";
    private static final long MAX_METADATA = 10L << 20;
    private static final long MAX_XATTRS = 1L << 20;

    enum Mode { COMMIT, OBJECT_SET }

    private final Repository repo;
    private final ObjectInserter inserter;
    private final Mode mode;
    private final String where;
    private final Map<String, List<Xattr>> xattrsByChecksum = new HashMap<>();
    /** The xattrs announced for the next {@code .file}: its checksum and the xattrs' checksum. */
    private String nextFile;
    private String nextXattrs;
    /** v0 streams write no reference for objects without xattrs. */
    private boolean v0;
    private ObjectId commit;
    /** With a keyring: the commit's bytes, stored only once its signature is checked. */
    private byte[] unverifiedCommit;
    private final Keyring keyring;
    private Verification verification;
    final TreeSet<ObjectId> objectSet = new TreeSet<>();

    TarImporter(Repository repo, ObjectInserter inserter, Mode mode, String where) {
        this(repo, inserter, mode, where, null);
    }

    TarImporter(Repository repo, ObjectInserter inserter, Mode mode, String where, Keyring keyring) {
        this.repo = repo;
        this.inserter = inserter;
        this.mode = mode;
        this.where = where;
        this.keyring = keyring;
    }

    /** The good signatures of the commit, when a keyring was given. */
    Verification verification() {
        return verification;
    }

    private OstreeFormatException error(String message) {
        return new OstreeFormatException(where + ": " + message);
    }

    /** Imports the tar stream; in commit mode returns the commit's checksum. */
    ObjectId importTar(InputStream tarStream) throws IOException, OstreeFormatException {
        TarReader tar = new TarReader(tarStream);
        boolean first = true;
        TarReader.Entry e;
        while ((e = tar.next()) != null) {
            String name = e.name();
            if (name.startsWith("./")) {
                name = name.substring(2);
            }
            if (e.isDirectory() || name.endsWith("/")) {
                if (name.equals(REPO_PREFIX + "xattrs") || name.equals(REPO_PREFIX + "xattrs/")) {
                    v0 = true;
                }
                continue;
            }
            if (!name.startsWith(REPO_PREFIX)) {
                continue;
            }
            String path = name.substring(REPO_PREFIX.length());
            String fileName = path.substring(path.lastIndexOf('/') + 1);
            if (fileName.equals("config") || path.startsWith("refs")) {
                continue;
            }
            if (mode == Mode.COMMIT && first) {
                first = false;
                importCommit(tar, e, path);
                continue;
            }
            if (unverifiedCommit != null && !path.endsWith(".commitmeta")) {
                throw error("Expected commitmeta object (the signature of commit " + commit + "), found " + e.name());
            }
            if (path.startsWith("objects/")) {
                importObject(tar, e, path.substring("objects/".length()));
            } else if (path.startsWith("xattrs/")) {
                String sum = path.substring("xattrs/".length());
                if (!ObjectId.isValidHex(sum)) {
                    throw error("invalid xattrs name " + name);
                }
                cacheXattrs(tar, e, sum);
            }
        }
        if (mode == Mode.COMMIT && commit == null) {
            throw error("Commit object not found");
        }
        if (unverifiedCommit != null) {
            throw error("Expected commitmeta object (the signature of commit " + commit + ")");
        }
        if (nextFile != null) {
            throw error("xattrs for " + nextFile + " but no such object follows");
        }
        return commit;
    }

    private record ObjectPath(String checksum, String extension) {
    }

    /** {@code ab/<62 hex>.<ext>}, the checksum reassembled; a double extension {@code .file.xattrs} gives "xattrs". */
    private ObjectPath parseObjectPath(String p) throws OstreeFormatException {
        int slash = p.indexOf('/');
        if (slash != 2 || p.indexOf('/', 3) >= 0) {
            throw error("Invalid object path " + p);
        }
        String rest = p.substring(3);
        int dot = rest.lastIndexOf('.');
        if (dot < 0) {
            throw error("Invalid objpath " + p);
        }
        String ext = rest.substring(dot + 1);
        String stem = rest.substring(0, dot);
        if (stem.endsWith(".file")) {
            stem = stem.substring(0, stem.length() - ".file".length());
        }
        String checksum = p.substring(0, 2) + stem;
        if (!ObjectId.isValidHex(checksum)) {
            throw error("Invalid checksum in object path " + p);
        }
        return new ObjectPath(checksum, ext);
    }

    private byte[] readSmall(TarReader tar, TarReader.Entry e, long max, String what) throws IOException, OstreeFormatException {
        if (!e.isFile()) {
            throw error("Invalid non-regular " + what + " " + e.name());
        }
        if (e.size() > max) {
            throw error(what + " " + e.name() + " of size " + e.size() + " exceeds " + max + " bytes");
        }
        return tar.readAll();
    }

    private void importCommit(TarReader tar, TarReader.Entry e, String path) throws IOException, OstreeFormatException {
        if (!path.startsWith("objects/")) {
            throw error("Commit object not found: the first object is " + e.name());
        }
        ObjectPath op = parseObjectPath(path.substring("objects/".length()));
        if (!op.extension().equals("commit")) {
            throw error("Expected commit object, not " + op.extension() + " (" + e.name() + ")");
        }
        byte[] data = readSmall(tar, e, MAX_METADATA, "commit object");
        Commit.decode(data);
        commit = ObjectId.fromHex(op.checksum());
        if (keyring != null) {
            if (!ObjectId.sha256Of(data).equals(commit)) {
                throw error("Checksum mismatch, expected '" + commit + "' but computed '" + ObjectId.sha256Of(data) + "' for " + e.name());
            }
            unverifiedCommit = data;
            return;
        }
        inserter.writeMetadata(ObjectType.COMMIT, data, commit);
    }

    private void importObject(TarReader tar, TarReader.Entry e, String p) throws IOException, OstreeFormatException {
        ObjectPath op = parseObjectPath(p);
        switch (op.extension()) {
            case "commit" -> throw error("Found multiple commit objects");
            case "file" -> importContent(tar, e, op.checksum());
            case "file-xattrs" -> cacheXattrs(tar, e, op.checksum());
            case "file-xattrs-link" -> xattrsLink(tar, e, op.checksum());
            case "xattrs" -> v0XattrsRef(e, op.checksum());
            case "commitmeta" -> {
                if (mode == Mode.OBJECT_SET) {
                    throw error("Found metadata object " + op.checksum() + ".commitmeta in object set mode");
                }
                byte[] data = readSmall(tar, e, MAX_METADATA, "detached metadata");
                if (commit == null || !commit.hex().equals(op.checksum())) {
                    throw error("detached metadata " + op.checksum() + " is not for commit " + commit);
                }
                VariantDict detached = VariantDict.decode(data);
                if (unverifiedCommit != null) {
                    verify(detached);
                    inserter.writeMetadata(ObjectType.COMMIT, unverifiedCommit, commit);
                    unverifiedCommit = null;
                }
                inserter.writeDetachedMetadata(commit, detached);
            }
            case "dirtree", "dirmeta" -> {
                if (mode == Mode.OBJECT_SET) {
                    throw error("Found metadata object " + op.checksum() + "." + op.extension() + " in object set mode");
                }
                byte[] data = readSmall(tar, e, MAX_METADATA, op.extension() + " object");
                ObjectType type = op.extension().equals("dirtree") ? ObjectType.DIR_TREE : ObjectType.DIR_META;
                if (type == ObjectType.DIR_TREE) {
                    DirTree.decode(data);
                } else {
                    DirMeta.decode(data);
                }
                inserter.writeMetadata(type, data, ObjectId.fromHex(op.checksum()));
            }
            default -> throw error("Invalid object type " + op.extension() + " (" + e.name() + ")");
        }
    }

    private void verify(VariantDict detached) throws OstreeFormatException {
        List<byte[]> sigs = CommitSignatures.of(detached);
        if (sigs.isEmpty()) {
            throw error("commit " + commit + " has no signature, and the remote's keys are required");
        }
        try {
            verification = CommitSignatures.verify(unverifiedCommit, sigs, keyring, SignaturePolicy.at(java.time.Instant.now()));
        } catch (RejectedSignatureException e) {
            throw error("commit " + commit + " has signatures, but none is good: " + RejectedSignatureException.describe(e.checks()));
        }
    }

    private String cacheXattrs(TarReader tar, TarReader.Entry e, String expected) throws IOException, OstreeFormatException {
        if (!e.isFile()) {
            throw error("Invalid xattr entry of type " + (char) e.type() + ": " + e.name());
        }
        byte[] data = readSmall(tar, e, MAX_XATTRS, "xattrs");
        String sum = ObjectId.sha256Of(data).hex();
        if (expected != null && !expected.equals(sum)) {
            throw error("Checksum mismatch, expected '" + expected + "' but computed '" + sum + "' for " + e.name());
        }
        xattrsByChecksum.putIfAbsent(sum, parseXattrs(data));
        return sum;
    }

    private List<Xattr> parseXattrs(byte[] data) throws OstreeFormatException {
        List<?> items = (List<?>) GVariantCodec.decode("a(ayay)", data);
        List<Xattr> out = new java.util.ArrayList<>(items.size());
        for (Object o : items) {
            List<?> pair = (List<?>) o;
            byte[] n = (byte[]) pair.get(0);
            if (n.length < 2 || n[n.length - 1] != 0) {
                throw error("xattr name is not a NUL-terminated string");
            }
            out.add(new Xattr(new String(n, 0, n.length - 1, StandardCharsets.UTF_8), (byte[]) pair.get(1)));
        }
        return out;
    }

    private void xattrsLink(TarReader tar, TarReader.Entry e, String fileChecksum) throws IOException, OstreeFormatException {
        if (nextFile != null) {
            throw error("Found previous dangling xattrs for file object '" + nextFile + "'");
        }
        String xattrs;
        if (e.isHardLink()) {
            String target = e.linkName();
            if (target.startsWith("./")) {
                target = target.substring(2);
            }
            String prefix = REPO_PREFIX + "objects/";
            if (!target.startsWith(prefix)) {
                throw error("xattrs link of " + fileChecksum + " points outside the objects: " + target);
            }
            xattrs = parseObjectPath(target.substring(prefix.length())).checksum();
        } else if (e.isFile()) {
            xattrs = cacheXattrs(tar, e, null);
        } else {
            throw error("Unexpected xattrs type '" + (char) e.type() + "' found for " + fileChecksum);
        }
        nextFile = fileChecksum;
        nextXattrs = xattrs;
    }

    private void v0XattrsRef(TarReader.Entry e, String fileChecksum) throws OstreeFormatException {
        if (nextFile != null) {
            throw error("Found previous dangling xattrs for file object '" + nextFile + "'");
        }
        if (!e.isHardLink()) {
            throw error("Non-hardlink xattrs reference found for " + fileChecksum);
        }
        String target = e.linkName();
        String sum = target.substring(target.lastIndexOf('/') + 1);
        if (!ObjectId.isValidHex(sum)) {
            throw error("Invalid xattrs link " + target + " for " + fileChecksum);
        }
        nextFile = fileChecksum;
        nextXattrs = sum;
    }

    private void importContent(TarReader tar, TarReader.Entry e, String checksum) throws IOException, OstreeFormatException {
        List<Xattr> xattrs;
        if (nextFile == null) {
            if (!v0) {
                throw error("Missing xattrs reference for " + checksum);
            }
            xattrs = List.of();
        } else {
            if (!nextFile.equals(checksum)) {
                throw error("Object mismatch, found xattrs for " + nextFile + " before " + checksum);
            }
            xattrs = xattrsByChecksum.get(nextXattrs);
            if (xattrs == null) {
                throw error("Failed to find xattrs content " + nextXattrs);
            }
            nextFile = null;
            nextXattrs = null;
        }
        ObjectId id = ObjectId.fromHex(checksum);
        if (mode == Mode.OBJECT_SET && !objectSet.add(id)) {
            throw error("Duplicate object: " + checksum);
        }
        if (repo.has(id, ObjectType.FILE)) {
            return;
        }
        int uid = (int) e.uid();
        int gid = (int) e.gid();
        int tarMode = e.mode();
        if ((tarMode & FileMode.S_IFMT) != 0 && (tarMode & FileMode.S_IFMT) != (e.isSymbolicLink() ? FileMode.S_IFLNK : FileMode.S_IFREG)) {
            throw error(String.format("object %s has mode 0%o, which is not its entry type", checksum, tarMode));
        }
        if (e.isSymbolicLink()) {
            FileHeader h = FileHeader.symlink(uid, gid, e.linkName(), xattrs);
            h.validate();
            inserter.writeContent(h, InputStream.nullInputStream(), 0, id);
        } else if (e.isFile() && !e.isHardLink()) {
            FileHeader h = FileHeader.regular(uid, gid, tarMode & FileMode.PERMISSIONS, xattrs);
            try {
                inserter.writeContent(h, tar.data(), e.size(), id);
            } catch (IOException streamed) {
                // The member's data stream can only throw IOException; an archive that ends inside it is a format error.
                if (streamed.getCause() instanceof OstreeFormatException format) {
                    throw format;
                }
                throw streamed;
            }
        } else {
            throw error("Invalid tar entry of type " + (char) e.type() + " for object " + checksum);
        }
    }

    /** The synthetic commit of an object set: one directory whose files are named by their checksums. */
    ObjectId finishObjectSet() throws IOException {
        List<DirTree.FileEntry> files = new java.util.ArrayList<>();
        for (ObjectId id : objectSet) {
            files.add(new DirTree.FileEntry(id.hex(), id));
        }
        ObjectId tree = inserter.writeMetadata(ObjectType.DIR_TREE, DirTree.sorted(files, List.of()).encode());
        ObjectId meta = inserter.writeMetadata(ObjectType.DIR_META, new DirMeta(0, 0, FileMode.S_IFDIR | 0755, List.of()).encode());
        Commit c = new Commit(VariantDict.empty(), java.util.Optional.empty(), "", "", 0, tree, meta);
        return inserter.writeMetadata(ObjectType.COMMIT, c.encode());
    }
}
