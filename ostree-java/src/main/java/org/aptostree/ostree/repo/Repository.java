package org.aptostree.ostree.repo;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.gvariant.VariantDict;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.DirMeta;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.FileHeader;
import org.aptostree.ostree.object.FileMode;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectName;
import org.aptostree.ostree.object.ObjectType;

/**
 * An OSTree repository on disk, in libostree's layout: {@code config}, {@code objects/XX/…}, {@code refs/},
 * {@code tmp/}, {@code state/}, {@code extensions/}. Reading is lock-free; writes go through an
 * {@link ObjectInserter}, which stages every object in {@code tmp/} and renames it into place.
 */
public final class Repository {
    private final Path path;
    private final KeyFile config;
    private final RepoMode mode;
    private final RefDatabase refs;
    private final DecodedTrees trees;

    private Repository(Path path, KeyFile config) throws OstreeFormatException {
        this.path = path;
        this.config = config;
        this.trees = DecodedTrees.of(path.toAbsolutePath().normalize());
        String version = config.get("core", "repo_version").orElse("");
        if (!version.equals("1")) {
            throw new OstreeFormatException("Invalid repository version '" + version + "' in " + path.resolve("config"));
        }
        if (config.getBoolean("core", "archive", false)) {
            throw new OstreeFormatException("This version of OSTree no longer supports \"archive\" repositories; use archive-z2 instead");
        }
        try {
            this.mode = RepoMode.parse(config.get("core", "mode").orElse("bare"));
        } catch (IllegalArgumentException e) {
            throw new OstreeFormatException(e.getMessage());
        }
        this.refs = new RefDatabase(this);
    }

    /** Creates a repository as {@code ostree init --mode} does, or opens it if it already exists with that mode. */
    public static Repository init(Path path, RepoMode mode) throws IOException, OstreeFormatException {
        Files.createDirectories(path);
        Path config = path.resolve("config");
        if (!Files.exists(config)) {
            AtomicFile.write(config, ("[core]\nrepo_version=1\nmode=" + mode.configName() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        for (String dir : new String[] {"tmp", "extensions", "state", "refs", "refs/heads", "refs/mirrors", "refs/remotes", "objects"}) {
            Files.createDirectories(path.resolve(dir));
        }
        Repository repo = open(path);
        if (repo.mode != mode) {
            throw new IOException("repository " + path + " already exists with mode " + repo.mode.configName());
        }
        return repo;
    }

    public static Repository open(Path path) throws IOException, OstreeFormatException {
        Path config = path.resolve("config");
        if (!Files.isRegularFile(config) || !Files.isDirectory(path.resolve("objects"))) {
            throw new NoSuchFileException(path.toString(), null, "not an OSTree repository (no config or objects/)");
        }
        return new Repository(path, KeyFile.parse(Files.readString(config), config.toString()));
    }

    public Path path() {
        return path;
    }

    public RepoMode mode() {
        return mode;
    }

    /** The parsed {@code config}; change it with {@link #writeConfig}. */
    public KeyFile config() {
        return config;
    }

    public void writeConfig() throws IOException {
        AtomicFile.write(path.resolve("config"), config.format().getBytes(StandardCharsets.UTF_8));
    }

    public RefDatabase refs() {
        return refs;
    }

    Path tmpDir() {
        return path.resolve("tmp");
    }

    /** Path of a loose object file, as {@code _ostree_get_relative_object_path}. */
    public Path objectPath(ObjectId id, ObjectType type) {
        String hex = id.hex();
        String ext = type == ObjectType.FILE ? mode.contentExtension() : type.extension();
        // One resolve rather than three: a checkout asks for a path per file.
        return path.resolve("objects/" + hex.substring(0, 2) + "/" + hex.substring(2) + "." + ext);
    }

    public boolean has(ObjectId id, ObjectType type) {
        Path p = objectPath(id, type);
        // java.io.File's check reports a missing file without an exception, which NIO's costs on every new object
        // of an import; it follows links, so a symlink object (bare, bare-user-only) whose target is missing is
        // looked for again without following.
        if (p.toFile().exists()) {
            return true;
        }
        return type == ObjectType.FILE && (mode == RepoMode.BARE || mode == RepoMode.BARE_USER_ONLY) && Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }

    /** The serialised bytes of a metadata object, unverified. */
    public byte[] readMetadataBytes(ObjectId id, ObjectType type) throws IOException {
        try {
            return Files.readAllBytes(objectPath(id, type));
        } catch (NoSuchFileException e) {
            throw new NoSuchObjectException(new ObjectName(id, type));
        }
    }

    public Commit readCommit(ObjectId id) throws IOException, OstreeFormatException {
        return Commit.decode(readMetadataBytes(id, ObjectType.COMMIT));
    }

    /** A dirtree object, decoded once per process (see {@link DecodedTrees}). */
    public DirTree readDirTree(ObjectId id) throws IOException, OstreeFormatException {
        DirTree tree = trees.get(id);
        if (tree == null) {
            tree = DirTree.decode(readMetadataBytes(id, ObjectType.DIR_TREE));
            trees.put(id, tree);
        }
        return tree;
    }

    /** Called after deleting objects: trees read before may be gone. */
    void forgetDecodedTrees() {
        trees.clear();
    }

    public DirMeta readDirMeta(ObjectId id) throws IOException, OstreeFormatException {
        return DirMeta.decode(readMetadataBytes(id, ObjectType.DIR_META));
    }

    /** The detached metadata ({@code .commitmeta}) of a commit, if any. */
    public Optional<VariantDict> readDetachedMetadata(ObjectId commit) throws IOException, OstreeFormatException {
        Path p = objectPath(commit, ObjectType.COMMIT_META);
        if (!Files.exists(p)) {
            return Optional.empty();
        }
        return Optional.of(VariantDict.decode(Files.readAllBytes(p)));
    }

    /**
     * The {@code st_mode} (type and permissions) a content object checks out with, from the cheapest source:
     * the object file's own mode in bare and bare-user-only repositories, {@code user.ostreemeta} in bare-user.
     */
    public int contentMode(ObjectId id) throws IOException, OstreeFormatException {
        if (mode == RepoMode.BARE || mode == RepoMode.BARE_USER_ONLY) {
            try {
                return FileStore.stat(objectPath(id, ObjectType.FILE)).mode();
            } catch (NoSuchFileException e) {
                throw new NoSuchObjectException(new ObjectName(id, ObjectType.FILE));
            }
        }
        return readContentHeader(id).mode();
    }

    /**
     * The header of a content object without opening its data, where the mode allows (bare modes keep it in
     * file attributes); archive objects are read up to the end of their header.
     */
    public FileHeader readContentHeader(ObjectId id) throws IOException, OstreeFormatException {
        if (mode == RepoMode.ARCHIVE) {
            try (ContentObject c = openContent(id)) {
                return c.header();
            }
        }
        Path p = objectPath(id, ObjectType.FILE);
        if (mode == RepoMode.BARE_USER) {
            byte[] meta;
            try {
                meta = FileXattrs.readUser(p, "ostreemeta");
            } catch (NoSuchFileException e) {
                throw new NoSuchObjectException(new ObjectName(id, ObjectType.FILE));
            }
            FileHeader probe = FileHeader.fromUserMeta(meta, "x");
            if (!probe.isSymlink()) {
                return probe;
            }
        } else {
            FileStore.Stat st;
            try {
                st = FileStore.stat(p);
            } catch (NoSuchFileException e) {
                throw new NoSuchObjectException(new ObjectName(id, ObjectType.FILE));
            }
            if (!FileMode.isSymlink(st.mode()) && mode == RepoMode.BARE_USER_ONLY) {
                return FileHeader.regular(0, 0, st.mode(), List.of());
            }
        }
        try (ContentObject c = openContent(id)) {
            return c.header();
        }
    }

    /** Opens a content object: its header and a stream of its uncompressed bytes. */
    public ContentObject openContent(ObjectId id) throws IOException, OstreeFormatException {
        Path p = objectPath(id, ObjectType.FILE);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchObjectException(new ObjectName(id, ObjectType.FILE));
        }
        switch (mode) {
            case ARCHIVE: {
                // Most objects are small: modest buffers keep a checkout of many files from churning the heap.
                InputStream in = new BufferedInputStream(Files.newInputStream(p), 16 * 1024);
                try {
                    FileHeader.Archived a = FileHeader.readArchiveHeader(in);
                    InputStream content = a.header().isSymlink()
                            ? InputStream.nullInputStream()
                            : new BoundedStream(FileHeader.inflateArchiveContent(in), a.size(), p);
                    return new ContentObject(a.header(), a.size(), content);
                } catch (IOException | OstreeFormatException | RuntimeException e) {
                    in.close();
                    throw e;
                }
            }
            case BARE_USER: {
                byte[] meta;
                try {
                    meta = FileXattrs.readUser(p, "ostreemeta");
                } catch (IOException e) {
                    throw new OstreeFormatException("Unable to read file metadata of " + p + ": " + e.getMessage());
                }
                FileHeader probe = FileHeader.fromUserMeta(meta, "x");
                if (probe.isSymlink()) {
                    byte[] target = Files.readAllBytes(p);
                    int len = target.length > 0 && target[target.length - 1] == 0 ? target.length - 1 : target.length;
                    FileHeader h = FileHeader.fromUserMeta(meta, new String(target, 0, len, StandardCharsets.UTF_8));
                    return new ContentObject(h, 0, InputStream.nullInputStream());
                }
                return new ContentObject(probe, Files.size(p), Files.newInputStream(p));
            }
            default: {
                FileStore.Stat st = FileStore.stat(p);
                boolean userOnly = mode == RepoMode.BARE_USER_ONLY;
                int uid = userOnly ? 0 : st.uid();
                int gid = userOnly ? 0 : st.gid();
                if (FileMode.isSymlink(st.mode())) {
                    FileHeader h = FileHeader.symlink(uid, gid, FileStore.readSymlinkTarget(p), List.of());
                    return new ContentObject(h, 0, InputStream.nullInputStream());
                }
                FileHeader h = FileHeader.regular(uid, gid, st.mode(), userOnly ? List.of() : FileXattrs.read(p));
                return new ContentObject(h, st.size(), Files.newInputStream(p));
            }
        }
    }

    /** The directory or file at {@code path} in a commit, if it exists. */
    public Optional<TreeEntry> lookup(ObjectId commit, String path) throws IOException, OstreeFormatException {
        return TreeEntry.lookupIn(this, commit, path);
    }

    /** The remotes configured in this repository, in config order. */
    public List<Remote> remotes() {
        List<Remote> out = new ArrayList<>();
        for (String g : config.groups()) {
            if (g.startsWith("remote \"") && g.endsWith("\"")) {
                String name = g.substring(8, g.length() - 1);
                Map<String, String> opts = config.group(g);
                out.add(new Remote(name, URI.create(opts.getOrDefault("url", "")), opts));
            }
        }
        return out;
    }

    public Optional<Remote> remote(String name) {
        return remotes().stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** Adds a remote as {@code ostree remote add}: {@code url} then the given options. */
    public void addRemote(String name, String url, Map<String, String> options) throws IOException {
        if (!RefDatabase.isValidRef(name) || name.contains("/")) {
            throw new IllegalArgumentException("Invalid remote name " + name);
        }
        String group = Remote.group(name);
        if (config.hasGroup(group)) {
            throw new IOException("Remote " + name + " already exists");
        }
        config.set(group, "url", url);
        options.forEach((k, v) -> config.set(group, k, v));
        writeConfig();
    }

    public void deleteRemote(String name) throws IOException {
        String group = Remote.group(name);
        if (!config.hasGroup(group)) {
            throw new IOException("Remote \"" + name + "\" not found");
        }
        config.removeGroup(group);
        writeConfig();
    }

    /** Starts writing objects. Close it (or call {@link ObjectInserter#commit()}) to make the writes durable. */
    public ObjectInserter newInserter() throws IOException {
        return new ObjectInserter(this);
    }

    /**
     * The commit a rev names, resolved as {@code ostree_repo_resolve_rev}: a full checksum as it is; a lowercase hex
     * string as the prefix of exactly one commit object; a rev followed by {@code ^} as its commit's parent; else a
     * refspec ({@code ref} or {@code remote:ref}, a bare ref also looked for in the remotes).
     */
    public ObjectId resolveRev(String rev) throws IOException, OstreeFormatException {
        if (ObjectId.isValidHex(rev)) {
            return ObjectId.fromHex(rev);
        }
        if (rev.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            List<ObjectId> matches = findCommitsByPrefix(rev);
            if (matches.size() == 1) {
                return matches.get(0);
            }
            if (matches.size() > 1) {
                throw new IOException("Refspec " + rev + " not unique");
            }
        }
        if (rev.endsWith("^")) {
            ObjectId child = resolveRev(rev.substring(0, rev.length() - 1));
            return readCommit(child).parent()
                    .orElseThrow(() -> new IOException("Commit " + child + " has no parent"));
        }
        RefDatabase.RefSpec spec;
        try {
            spec = RefDatabase.RefSpec.parse(rev);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage());
        }
        return refs.resolveSearchingRemotes(spec).orElseThrow(() -> new IOException("Refspec '" + rev + "' not found"));
    }

    /** The commit objects whose checksum starts with {@code prefix} (any length, even empty). */
    private List<ObjectId> findCommitsByPrefix(String prefix) throws IOException {
        List<ObjectId> found = new ArrayList<>();
        if (prefix.length() < 2) {
            for (ObjectName n : listObjects()) {
                if (n.type() == ObjectType.COMMIT && n.id().hex().startsWith(prefix)) {
                    found.add(n.id());
                }
            }
            return found;
        }
        Path dir = path.resolve("objects").resolve(prefix.substring(0, 2));
        if (!Files.isDirectory(dir)) {
            return found;
        }
        String rest = prefix.substring(2);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith(".commit") && name.startsWith(rest)) {
                    found.add(ObjectId.fromHex(prefix.substring(0, 2) + name.substring(0, name.length() - ".commit".length())));
                }
            }
        }
        return found;
    }

    /** Every loose object in the repository. */
    public List<ObjectName> listObjects() throws IOException {
        List<ObjectName> names = new ArrayList<>();
        Path objects = path.resolve("objects");
        for (int i = 0; i < 256; i++) {
            String prefix = HexFormat.of().toHexDigits((byte) i);
            Path dir = objects.resolve(prefix);
            // Names only: a Path per entry costs a prune more than reading the directories does.
            String[] entries = dir.toFile().list();
            if (entries == null) {
                if (Files.isDirectory(dir)) {
                    throw new IOException("cannot list the objects in " + dir);
                }
                continue;
            }
            Arrays.sort(entries);
            for (String name : entries) {
                int dot = name.indexOf('.');
                if (dot != 2 * ObjectId.LENGTH - 2) {
                    continue;
                }
                try {
                    ObjectType type = ObjectType.fromExtension(name.substring(dot + 1));
                    names.add(new ObjectName(ObjectId.fromHex(prefix + name.substring(0, dot)), type));
                } catch (IllegalArgumentException notAnObject) {
                    // Staging leftovers and foreign files are not objects.
                }
            }
        }
        return names;
    }

    /** A stream that ends after the announced size and fails if the data ends early or runs on. */
    private static final class BoundedStream extends InputStream {
        private final InputStream in;
        private final Path source;
        private long remaining;

        BoundedStream(InputStream in, long size, Path source) {
            this.in = in;
            this.remaining = size;
            this.source = source;
        }

        @Override
        public int read() throws IOException {
            byte[] b = new byte[1];
            return read(b, 0, 1) < 0 ? -1 : b[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                if (in.read() >= 0) {
                    throw new IOException("Corrupted archive file " + source + ": more data than its header announces");
                }
                return -1;
            }
            int n;
            try {
                n = in.read(b, off, (int) Math.min(len, remaining));
            } catch (IOException e) {
                if (e.getCause() instanceof OstreeFormatException) {
                    throw new IOException("Corrupted archive file " + source + ": " + e.getMessage(), e);
                }
                throw e;
            }
            if (n < 0) {
                throw new IOException("Corrupted archive file " + source + ": truncated (" + remaining + " bytes missing)");
            }
            remaining -= n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
