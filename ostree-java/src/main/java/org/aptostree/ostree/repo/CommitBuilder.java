package org.aptostree.ostree.repo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.gvariant.Variant;
import org.aptostree.ostree.gvariant.VariantDict;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectType;

/**
 * Creates a commit from a directory or a tar stream, as {@code ostree commit} does: the same objects, the same
 * metadata in the same order, so the same checksum. The branch ref moves only after every object is durable.
 */
public final class CommitBuilder {
    private final Repository repo;
    private String branch;
    private String subject = "";
    private String body = "";
    private Long timestamp;
    private Optional<ObjectId> parent;
    private VariantDict metadata = VariantDict.empty();
    private boolean bindings = true;
    private boolean bootable;
    private CommitModifier modifier = CommitModifier.NONE;

    public CommitBuilder(Repository repo) {
        this.repo = repo;
    }

    /** The ref to update; by default also the parent and the ref binding. */
    public CommitBuilder branch(String ref) {
        if (!RefDatabase.isValidRef(ref)) {
            throw new IllegalArgumentException("Invalid ref name " + ref);
        }
        this.branch = ref;
        return this;
    }

    public CommitBuilder subject(String s) {
        this.subject = s;
        return this;
    }

    public CommitBuilder body(String b) {
        this.body = b;
        return this;
    }

    public CommitBuilder timestamp(long epochSeconds) {
        this.timestamp = epochSeconds;
        return this;
    }

    /** An explicit parent, or empty for none ({@code --parent=none}); default: the branch's current commit. */
    public CommitBuilder parent(Optional<ObjectId> p) {
        this.parent = p;
        return this;
    }

    /** Metadata in the order the caller gives it (as ostree's {@code --add-metadata-string} options). */
    public CommitBuilder metadata(VariantDict m) {
        this.metadata = m;
        return this;
    }

    /** Whether to add {@code ostree.ref-binding} for the branch ({@code --no-bindings} turns it off). */
    public CommitBuilder bindings(boolean b) {
        this.bindings = b;
        return this;
    }

    /** Adds {@code ostree.bootable} and {@code ostree.linux} from the kernel in the tree. */
    public CommitBuilder bootable(boolean b) {
        this.bootable = b;
        return this;
    }

    public CommitBuilder modifier(CommitModifier m) {
        this.modifier = m;
        return this;
    }

    public ObjectId commitDirectory(Path dir) throws IOException, OstreeFormatException {
        try (ObjectInserter inserter = repo.newInserter(); TreeWriter writer = new TreeWriter(repo, inserter, modifier)) {
            return finish(inserter, writer.writeDirectory(dir));
        }
    }

    public ObjectId commitTar(InputStream tar) throws IOException, OstreeFormatException {
        try (ObjectInserter inserter = repo.newInserter(); TreeWriter writer = new TreeWriter(repo, inserter, modifier)) {
            return finish(inserter, writer.writeTar(tar));
        }
    }

    private ObjectId finish(ObjectInserter inserter, TreeWriter.Root root) throws IOException, OstreeFormatException {
        VariantDict meta = metadata;
        // ostree commit adds each key group through a GVariantDict, which leaves the keys in hash order.
        if (branch != null && bindings) {
            meta = meta.with("ostree.ref-binding", Variant.of("as", List.of(branch))).inGVariantDictOrder();
        }
        if (bootable) {
            String kernel = KernelLocator.findKernelVersion(repo, root.tree())
                    .orElseThrow(() -> new IOException("No kernel found in the tree: --bootable needs usr/lib/modules/<version>/vmlinuz"));
            meta = meta.with("ostree.bootable", Variant.ofBoolean(true)).with("ostree.linux", Variant.ofString(kernel))
                    .inGVariantDictOrder();
        }
        Optional<ObjectId> parentId = parent;
        if (parentId == null) {
            parentId = branch == null ? Optional.empty() : repo.refs().resolve(branch);
        }
        long time = timestamp != null ? timestamp : sourceDateEpoch().orElse(Instant.now().getEpochSecond());
        Commit commit = new Commit(meta, parentId, subject, body, time, root.tree(), root.meta());
        ObjectId id = inserter.writeMetadata(ObjectType.COMMIT, commit.encode());
        inserter.commit();
        if (branch != null) {
            repo.refs().set(branch, id);
        }
        return id;
    }

    /** {@code SOURCE_DATE_EPOCH} from the environment, which reproducible builds use for every timestamp. */
    public static Optional<Long> sourceDateEpoch() {
        String s = System.getenv("SOURCE_DATE_EPOCH");
        if (s == null || s.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(s.strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("SOURCE_DATE_EPOCH is not a number: " + s);
        }
    }

    /** Finds the kernel of a committed tree as libostree's {@code ostree_commit_metadata_for_bootable}. */
    static final class KernelLocator {
        private KernelLocator() {
        }

        static Optional<String> findKernelVersion(Repository repo, ObjectId rootTree) throws IOException, OstreeFormatException {
            DirTree root = repo.readDirTree(rootTree);
            Optional<DirTree> modules = descend(repo, root, "usr", "lib", "modules");
            if (modules.isEmpty()) {
                return Optional.empty();
            }
            for (DirTree.DirEntry kver : modules.get().dirs()) {
                DirTree kdir = repo.readDirTree(kver.tree());
                if (kdir.files().stream().anyMatch(f -> f.name().equals("vmlinuz"))) {
                    return Optional.of(kver.name());
                }
            }
            return Optional.empty();
        }

        private static Optional<DirTree> descend(Repository repo, DirTree tree, String... names) throws IOException, OstreeFormatException {
            DirTree cur = tree;
            for (String n : names) {
                Optional<DirTree.DirEntry> e = cur.dirs().stream().filter(d -> d.name().equals(n)).findFirst();
                if (e.isEmpty()) {
                    return Optional.empty();
                }
                cur = repo.readDirTree(e.get().tree());
            }
            return Optional.of(cur);
        }
    }
}
