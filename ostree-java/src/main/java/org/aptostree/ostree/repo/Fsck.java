package org.aptostree.ostree.repo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
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
    /** One problem found: the object and what is wrong with it. */
    public record Problem(ObjectName object, boolean missing, String detail) {
        @Override
        public String toString() {
            return missing ? "Object missing: " + object : "Corrupted object " + object + ": " + detail;
        }
    }

    /** The outcome: how many commits and objects were checked, and the problems. */
    public record Report(int commits, int objects, List<Problem> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private final Repository repo;
    private final Set<ObjectName> visited = Collections.synchronizedSet(new HashSet<>());
    private final ConcurrentLinkedQueue<Problem> problems = new ConcurrentLinkedQueue<>();

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
        List<Problem> found = new ArrayList<>(problems);
        found.sort((a, b) -> a.object().toString().compareTo(b.object().toString()));
        if (delete) {
            for (Problem p : found) {
                if (!p.missing()) {
                    Files.deleteIfExists(repo.objectPath(p.object().id(), p.object().type()));
                }
            }
        }
        return new Report(commits.size(), visited.size(), List.copyOf(found));
    }

    private boolean firstVisit(ObjectId id, ObjectType type) {
        return visited.add(new ObjectName(id, type));
    }

    /** Reads a metadata object and checks that its bytes hash to its name. */
    private byte[] loadVerified(ObjectId id, ObjectType type) {
        ObjectName name = new ObjectName(id, type);
        if (!repo.has(id, type)) {
            problems.add(new Problem(name, true, ""));
            return null;
        }
        try {
            byte[] data = repo.readMetadataBytes(id, type);
            ObjectId actual = ObjectId.sha256Of(data);
            if (!actual.equals(id)) {
                problems.add(new Problem(name, false, "checksum expected='" + id + "' actual='" + actual + "'"));
                return null;
            }
            return data;
        } catch (IOException e) {
            problems.add(new Problem(name, false, e.getMessage()));
            return null;
        }
    }

    private void checkCommit(ObjectId id, WorkerPool workers, List<Future<?>> pending) {
        if (!firstVisit(id, ObjectType.COMMIT)) {
            return;
        }
        if (Files.exists(repo.path().resolve("state").resolve(id.hex() + ".commitpartial"))) {
            return;
        }
        byte[] data = loadVerified(id, ObjectType.COMMIT);
        if (data == null) {
            return;
        }
        Commit commit;
        try {
            commit = Commit.decode(data);
        } catch (OstreeFormatException e) {
            problems.add(new Problem(new ObjectName(id, ObjectType.COMMIT), false, e.getMessage()));
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
                problems.add(new Problem(new ObjectName(id, ObjectType.DIR_META), false, e.getMessage()));
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
            problems.add(new Problem(new ObjectName(id, ObjectType.DIR_TREE), false, e.getMessage()));
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
            problems.add(new Problem(name, true, ""));
            return;
        }
        try (ContentObject obj = repo.openContent(id)) {
            obj.header().validate();
            ObjectId actual;
            try (InputStream in = obj.stream()) {
                actual = obj.header().checksum(in);
            }
            if (!actual.equals(id)) {
                problems.add(new Problem(name, false, "checksum expected='" + id + "' actual='" + actual + "'"));
            }
        } catch (IOException | OstreeFormatException | RuntimeException e) {
            problems.add(new Problem(name, false, String.valueOf(e.getMessage())));
        }
    }

}
