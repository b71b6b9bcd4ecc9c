package org.aptostree.ostree.pull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.aptostree.openpgp.Keyring;
import org.aptostree.openpgp.RejectedSignatureException;
import org.aptostree.openpgp.SignaturePolicy;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.gvariant.VariantDict;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.DirMeta;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectType;
import org.aptostree.ostree.repo.ContentObject;
import org.aptostree.ostree.repo.ObjectInserter;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.repo.Summary;
import org.aptostree.ostree.repo.WorkerPool;
import org.aptostree.ostree.sign.CommitSignatures;

/**
 * Copies commits and everything they reach from an {@link ObjectSource} into a repository, as {@code ostree pull}
 * and {@code pull-local}. Every object is verified (structure and checksum) before it is written; signatures
 * are checked before anything of a commit's tree is fetched; refs move only once all objects are durable.
 * A commit being pulled is marked {@code state/<commit>.commitpartial}, so an interrupted pull resumes and
 * fsck skips the incomplete commit.
 */
public final class Puller {
    private static final int ATTEMPTS = 3;

    private final Repository repo;
    private final ObjectSource source;
    private Keyring keyring;
    private int depth;
    private PullProgress progress = PullProgress.NONE;

    private final AtomicInteger fetched = new AtomicInteger();
    private final AtomicInteger needed = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();

    public Puller(Repository repo, ObjectSource source) {
        this.repo = repo;
        this.source = source;
    }

    /** Require every pulled commit to carry a good signature by one of these keys, by the project's OpenPGP policy. */
    public Puller verifyWith(Keyring k) {
        this.keyring = k;
        return this;
    }

    /** How many parents of each commit to fetch too (-1: all); ostree's default is 0. */
    public Puller depth(int d) {
        this.depth = d;
        return this;
    }

    public Puller progress(PullProgress p) {
        this.progress = p;
        return this;
    }

    /**
     * Pulls the given refs (a checksum may stand for a ref) and points the local refs named by
     * {@code localRefName} at them.
     *
     * @return the commit fetched for each requested ref
     */
    public Map<String, ObjectId> pull(List<String> refs, java.util.function.Function<String, String> localRefName)
            throws IOException, OstreeFormatException {
        Optional<Summary> summary = Optional.empty();
        Optional<byte[]> summaryBytes = source.summary();
        if (summaryBytes.isPresent()) {
            summary = Optional.of(Summary.decode(summaryBytes.get()));
        }
        Map<String, ObjectId> targets = new LinkedHashMap<>();
        for (String ref : refs) {
            if (ObjectId.isValidHex(ref)) {
                targets.put(ref, ObjectId.fromHex(ref));
                continue;
            }
            Optional<ObjectId> id = summary.flatMap(s -> s.ref(ref)).map(Summary.Ref::commit);
            if (id.isEmpty()) {
                id = source.ref(ref);
            }
            targets.put(ref, id.orElseThrow(() -> new IOException("No such branch '" + ref + "' in the remote")));
        }
        try (WorkerPool workers = new WorkerPool("ostree-pull", source.parallelism()); ObjectInserter inserter = repo.newInserter()) {
            for (ObjectId commit : new java.util.LinkedHashSet<>(targets.values())) {
                pullCommit(commit, inserter, workers);
            }
            inserter.commit();
            for (ObjectId commit : targets.values()) {
                Files.deleteIfExists(partialMarker(commit));
            }
            for (Map.Entry<String, ObjectId> e : targets.entrySet()) {
                String local = localRefName.apply(e.getKey());
                if (local != null && !ObjectId.isValidHex(e.getKey())) {
                    repo.refs().set(local, e.getValue());
                }
            }
        }
        return targets;
    }

    private Path partialMarker(ObjectId commit) {
        return repo.path().resolve("state").resolve(commit.hex() + ".commitpartial");
    }

    private void pullCommit(ObjectId start, ObjectInserter inserter, WorkerPool workers) throws IOException, OstreeFormatException {
        Optional<ObjectId> next = Optional.of(start);
        for (int d = 0; next.isPresent() && (depth < 0 || d <= depth); d++) {
            ObjectId id = next.get();
            boolean partial = Files.exists(partialMarker(id));
            if (repo.has(id, ObjectType.COMMIT) && !partial) {
                next = repo.readCommit(id).parent();
                continue;
            }
            Files.createDirectories(partialMarker(id).getParent());
            Files.write(partialMarker(id), new byte[0]);
            byte[] commitBytes = fetchWithRetries(() -> source.metadata(id, ObjectType.COMMIT));
            Commit commit = Commit.decode(commitBytes);
            Optional<byte[]> detached = source.detachedMetadata(id);
            if (keyring != null) {
                verifySignatures(id, commitBytes, detached);
            }
            inserter.writeMetadata(ObjectType.COMMIT, commitBytes, id);
            if (detached.isPresent()) {
                inserter.writeDetachedMetadata(id, VariantDict.decode(detached.get()));
            }
            List<Future<?>> pending = new ArrayList<>();
            Set<ObjectId> queued = ConcurrentHashMap.newKeySet();
            fetchDirMeta(commit.rootMeta(), inserter);
            fetchTree(commit.rootTree(), inserter, workers, pending, queued);
            for (Future<?> f : pending) {
                WorkerPool.join(f);
            }
            if (d > 0) {
                Files.deleteIfExists(partialMarker(id));
            }
            next = commit.parent();
        }
    }

    private void verifySignatures(ObjectId id, byte[] commitBytes, Optional<byte[]> detached) throws IOException, OstreeFormatException {
        List<byte[]> sigs = detached.isPresent() ? CommitSignatures.of(VariantDict.decode(detached.get())) : List.of();
        if (sigs.isEmpty()) {
            throw new IOException("GPG verification enabled, but no signatures found for commit " + id
                    + " (use gpg-verify=false in remote config to disable)");
        }
        try {
            CommitSignatures.verify(commitBytes, sigs, keyring, SignaturePolicy.at(java.time.Instant.now()));
        } catch (RejectedSignatureException e) {
            throw new IOException("GPG signatures found for commit " + id + ", but none is good: "
                    + RejectedSignatureException.describe(e.checks()), e);
        }
    }

    private void fetchDirMeta(ObjectId id, ObjectInserter inserter) throws IOException, OstreeFormatException {
        if (repo.has(id, ObjectType.DIR_META)) {
            return;
        }
        byte[] data = fetchWithRetries(() -> source.metadata(id, ObjectType.DIR_META));
        DirMeta.decode(data);
        inserter.writeMetadata(ObjectType.DIR_META, data, id);
        count(data.length);
    }

    private void fetchTree(ObjectId id, ObjectInserter inserter, WorkerPool workers, List<Future<?>> pending,
                           Set<ObjectId> queued) throws IOException, OstreeFormatException {
        byte[] data;
        if (repo.has(id, ObjectType.DIR_TREE)) {
            data = repo.readMetadataBytes(id, ObjectType.DIR_TREE);
        } else {
            byte[] fetchedData = fetchWithRetries(() -> source.metadata(id, ObjectType.DIR_TREE));
            DirTree.decode(fetchedData);
            inserter.writeMetadata(ObjectType.DIR_TREE, fetchedData, id);
            count(fetchedData.length);
            data = fetchedData;
        }
        DirTree tree = DirTree.decode(data);
        for (DirTree.FileEntry f : tree.files()) {
            ObjectId content = f.content();
            if (repo.has(content, ObjectType.FILE) || !queued.add(content)) {
                continue;
            }
            needed.incrementAndGet();
            pending.add(workers.submit(() -> {
                fetchContent(content, inserter);
                return null;
            }));
        }
        for (DirTree.DirEntry d : tree.dirs()) {
            fetchDirMeta(d.meta(), inserter);
            fetchTree(d.tree(), inserter, workers, pending, queued);
        }
    }

    private void fetchContent(ObjectId id, ObjectInserter inserter) throws IOException, OstreeFormatException {
        fetchWithRetries(() -> {
            try (ContentObject obj = source.content(id); InputStream in = obj.stream()) {
                obj.header().validate();
                inserter.writeContent(obj.header(), in, obj.size(), id);
                count(obj.size());
                return null;
            }
        });
    }

    private void count(long n) {
        bytes.addAndGet(n);
        progress.update(fetched.incrementAndGet(), needed.get(), bytes.get());
    }

    private interface Fetch<T> {
        T run() throws IOException, OstreeFormatException;
    }

    /** Retries transient failures; a missing object or a malformed one is final. */
    private static <T> T fetchWithRetries(Fetch<T> fetch) throws IOException, OstreeFormatException {
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return fetch.run();
            } catch (org.aptostree.ostree.repo.NoSuchObjectException e) {
                throw e;
            } catch (IOException e) {
                last = e;
                try {
                    Thread.sleep(100L * attempt * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", ie);
                }
            }
        }
        throw last;
    }
}
