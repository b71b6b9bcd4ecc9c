package org.aptostree.ostree.repo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.DirMeta;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectName;
import org.aptostree.ostree.object.ObjectType;

/**
 * Verifies a repository as {@code ostree fsck}: every commit object and everything it reaches is read, its
 * structure validated and its checksum recomputed. Each missing or corrupt object is reported by name.
 */
public final class Fsck {
    /**
     * One problem found: the object, what is wrong with it (libostree's wording for a wrong checksum) and the
     * commits that reach it, by checksum.
     */
    public record Problem(ObjectName object, boolean missing, String detail, List<ObjectId> commits) {
        public Problem {
            commits = List.copyOf(commits);
        }

        /** What {@code ostree fsck} prints for it: "Object missing in commits …: …" or "In commits …: fsck …: …". */
        public String message() {
            String in = commits.stream().map(ObjectId::hex).collect(java.util.stream.Collectors.joining(", "));
            if (missing) {
                return in.isEmpty() ? "Object missing: " + object : "Object missing in commits " + in + ": " + object;
            }
            String what = object.type() == ObjectType.FILE ? "fsck content object " + object.id() : "fsck " + object;
            return (in.isEmpty() ? "" : "In commits " + in + ": ") + what + ": " + detail;
        }

        @Override
        public String toString() {
            return missing ? "Object missing: " + object : "Corrupted object " + object + ": " + detail;
        }
    }

    /**
     * The outcome: the commits checked (partial commits are not), the objects they reach, the problems, and how
     * many partial commits were left unchecked.
     */
    public record Report(int commits, int objects, List<Problem> problems, int partialCommits, int fsckPartialCommits) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private final Repository repo;
    private final Set<ObjectName> visited = Collections.synchronizedSet(new HashSet<>());
    private final ConcurrentLinkedQueue<Problem> problems = new ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger checkedCommits = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger partialCommits = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger fsckPartialCommits = new java.util.concurrent.atomic.AtomicInteger();

    public Fsck(Repository repo) {
        this.repo = repo;
    }

    /** Checks everything; with {@code delete}, corrupt objects are removed so a later pull can fetch them again. */
    public Report run(boolean delete) throws IOException {
        Set<ObjectId> commits = new LinkedHashSet<>();
        for (ObjectId id : repo.refs().listAll().values()) {
            commits.add(id);
        }
        for (ObjectName n : repo.listObjects()) {
            if (n.type() == ObjectType.COMMIT) {
                commits.add(n.id());
            }
        }
        List<Future<?>> pending = new ArrayList<>();
        try (WorkerPool workers = WorkerPool.perCore("ostree-fsck")) {
            for (ObjectId c : commits) {
                checkCommit(c, workers, pending);
            }
            for (Future<?> f : pending) {
                WorkerPool.join(f);
            }
        } catch (OstreeFormatException e) {
            throw new IOException(e);
        }
        List<Problem> found = new ArrayList<>();
        if (!problems.isEmpty()) {
            Map<ObjectId, Set<ObjectName>> reach = new java.util.LinkedHashMap<>();
            for (ObjectId c : commits) {
                if (!partial(c)) {
                    reach.put(c, reachable(c));
                }
            }
            for (Problem p : problems) {
                List<ObjectId> by = reach.entrySet().stream().filter(e -> e.getValue().contains(p.object()))
                        .map(Map.Entry::getKey).sorted(java.util.Comparator.comparing(ObjectId::hex)).toList();
                found.add(new Problem(p.object(), p.missing(), p.detail(), by));
            }
        }
        found.sort((a, b) -> a.object().toString().compareTo(b.object().toString()));
        if (delete) {
            try {
                for (Problem p : found) {
                    if (!p.missing()) {
                        Files.deleteIfExists(repo.objectPath(p.object().id(), p.object().type()));
                    }
                }
            } finally {
                repo.forgetDecodedTrees();
            }
        }
        return new Report(checkedCommits.get(), visited.size(), List.copyOf(found), partialCommits.get(), fsckPartialCommits.get());
    }

    private boolean firstVisit(ObjectId id, ObjectType type) {
        return visited.add(new ObjectName(id, type));
    }

    /** Reads a metadata object and checks that its bytes hash to its name. */
    private byte[] loadVerified(ObjectId id, ObjectType type) {
        ObjectName name = new ObjectName(id, type);
        if (!repo.has(id, type)) {
            problems.add(new Problem(name, true, "", List.of()));
            return null;
        }
        try {
            byte[] data = repo.readMetadataBytes(id, type);
            ObjectId actual = ObjectId.sha256Of(data);
            if (!actual.equals(id)) {
                problems.add(new Problem(name, false, "Corrupted " + type.extension() + " object; checksum expected='" + id
                        + "' actual='" + actual + "'", List.of()));
                return null;
            }
            return data;
        } catch (IOException e) {
            problems.add(new Problem(name, false, e.getMessage(), List.of()));
            return null;
        }
    }

    private boolean partial(ObjectId commit) {
        return Files.exists(partialMarker(commit));
    }

    private Path partialMarker(ObjectId commit) {
        return repo.path().resolve("state").resolve(commit.hex() + ".commitpartial");
    }

    /** A commit fsck found incomplete has an "f" in its partial marker, as libostree writes it. */
    private boolean markedByFsck(ObjectId commit) {
        try {
            byte[] b = Files.readAllBytes(partialMarker(commit));
            return b.length > 0 && b[0] == 'f';
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Marks a commit partial because fsck found one of its objects missing (or deleted it), as {@code ostree fsck}
     * does: a later pull fetches it again. Returns false if it was marked already.
     */
    public boolean markPartial(ObjectId commit) throws IOException {
        Path marker = partialMarker(commit);
        Files.createDirectories(marker.getParent());
        try {
            Files.write(marker, new byte[] {'f'}, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
        }
    }

    /** Every object a commit reaches, as far as its trees can be read (to name it in problems). */
    private Set<ObjectName> reachable(ObjectId commit) {
        try {
            return Reachability.of(repo, List.of(commit), 0);
        } catch (IOException | OstreeFormatException | RuntimeException e) {
            // A tree that cannot be read is a problem of its own; the commit at least reaches itself.
            return Set.of(new ObjectName(commit, ObjectType.COMMIT));
        }
    }

    private void checkCommit(ObjectId id, WorkerPool workers, List<Future<?>> pending) {
        if (partial(id)) {
            partialCommits.incrementAndGet();
            if (markedByFsck(id)) {
                fsckPartialCommits.incrementAndGet();
            }
            return;
        }
        if (!firstVisit(id, ObjectType.COMMIT)) {
            return;
        }
        checkedCommits.incrementAndGet();
        byte[] data = loadVerified(id, ObjectType.COMMIT);
        if (data == null) {
            return;
        }
        Commit commit;
        try {
            commit = Commit.decode(data);
        } catch (OstreeFormatException e) {
            problems.add(new Problem(new ObjectName(id, ObjectType.COMMIT), false, e.getMessage(), List.of()));
            return;
        }
        checkDirMeta(commit.rootMeta());
        checkTree(commit.rootTree(), workers, pending);
    }

    private void checkDirMeta(ObjectId id) {
        if (!firstVisit(id, ObjectType.DIR_META)) {
            return;
        }
        byte[] data = loadVerified(id, ObjectType.DIR_META);
        if (data != null) {
            try {
                DirMeta.decode(data);
            } catch (OstreeFormatException e) {
                problems.add(new Problem(new ObjectName(id, ObjectType.DIR_META), false, e.getMessage(), List.of()));
            }
        }
    }

    private void checkTree(ObjectId id, WorkerPool workers, List<Future<?>> pending) {
        if (!firstVisit(id, ObjectType.DIR_TREE)) {
            return;
        }
        byte[] data = loadVerified(id, ObjectType.DIR_TREE);
        if (data == null) {
            return;
        }
        DirTree tree;
        try {
            tree = DirTree.decode(data);
        } catch (OstreeFormatException e) {
            problems.add(new Problem(new ObjectName(id, ObjectType.DIR_TREE), false, e.getMessage(), List.of()));
            return;
        }
        for (DirTree.FileEntry f : tree.files()) {
            if (firstVisit(f.content(), ObjectType.FILE)) {
                pending.add(workers.submit(() -> {
                    checkContent(f.content());
                    return null;
                }));
            }
        }
        for (DirTree.DirEntry d : tree.dirs()) {
            checkDirMeta(d.meta());
            checkTree(d.tree(), workers, pending);
        }
    }

    private void checkContent(ObjectId id) {
        ObjectName name = new ObjectName(id, ObjectType.FILE);
        if (!repo.has(id, ObjectType.FILE)) {
            problems.add(new Problem(name, true, "", List.of()));
            return;
        }
        try (ContentObject obj = repo.openContent(id)) {
            obj.header().validate();
            ObjectId actual;
            try (InputStream in = obj.stream()) {
                actual = obj.header().checksum(in);
            }
            if (!actual.equals(id)) {
                problems.add(new Problem(name, false, "Corrupted file object; checksum expected='" + id + "' actual='" + actual + "'",
                        List.of()));
            }
        } catch (IOException | OstreeFormatException | RuntimeException e) {
            problems.add(new Problem(name, false, String.valueOf(e.getMessage()), List.of()));
        }
    }

}
