package org.aptostree.ostree.repo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Future;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectName;
import org.aptostree.ostree.object.ObjectType;

/**
 * Deletes unreachable objects, as {@code ostree prune}. Roots are every commit object, or with
 * {@code refsOnly} only the commits refs point to; {@code depth} limits how much history each root keeps;
 * {@code keepYoungerThan} first deletes, along each ref's history, the commits older than that time.
 * Runs under the exclusive repository lock, so it never races a writer.
 */
public final class Prune {
    /** What was (or, for a dry run, would be) deleted. */
    public record Result(int totalObjects, int deletedObjects, long freedBytes) {
    }

    private final Repository repo;
    private boolean refsOnly;
    private int depth = -1;
    private Instant keepYoungerThan;
    private boolean dryRun;

    public Prune(Repository repo) {
        this.repo = repo;
    }

    public Prune refsOnly(boolean r) {
        this.refsOnly = r;
        return this;
    }

    public Prune depth(int d) {
        this.depth = d;
        return this;
    }

    public Prune keepYoungerThan(Instant t) {
        this.keepYoungerThan = t;
        return this;
    }

    /** Only count what would be deleted ({@code --no-prune}). */
    public Prune dryRun(boolean d) {
        this.dryRun = d;
        return this;
    }

    public Result run() throws IOException, OstreeFormatException {
        long timeout = Long.parseLong(repo.config().get("core", "lock-timeout-secs").orElse("300"));
        try (RepoLock lock = RepoLock.acquire(repo.path(), true, timeout)) {
            if (keepYoungerThan != null) {
                deleteOldCommits();
            }
            Set<ObjectId> roots = new LinkedHashSet<>(repo.refs().listAll().values());
            List<ObjectName> all;
            Set<ObjectName> keep;
            if (!refsOnly && keepYoungerThan == null) {
                all = repo.listObjects();
                for (ObjectName n : all) {
                    if (n.type() == ObjectType.COMMIT) {
                        roots.add(n.id());
                    }
                }
                keep = Reachability.of(repo, roots, depth);
            } else {
                // With only refs as roots, listing the store and walking the trees are independent reads of about
                // equal cost: done at once.
                try (WorkerPool lister = new WorkerPool("ostree-prune-list", 1)) {
                    Future<List<ObjectName>> listing = lister.submit(repo::listObjects);
                    keep = Reachability.of(repo, roots, depth);
                    all = WorkerPool.join(listing);
                }
            }
            List<ObjectName> doomed = new ArrayList<>();
            for (ObjectName n : all) {
                boolean kept = keep.contains(n)
                        || (n.type() == ObjectType.COMMIT_META && keep.contains(new ObjectName(n.id(), ObjectType.COMMIT)));
                if (!kept) {
                    doomed.add(n);
                }
            }
            // Commits go first: killed half-way, the repository then holds no commit whose tree is partly deleted.
            doomed.sort(java.util.Comparator.comparing((ObjectName n) -> n.type() != ObjectType.COMMIT));
            int deleted = 0;
            long freed = 0;
            try {
                for (ObjectName n : doomed) {
                    Path p = repo.objectPath(n.id(), n.type());
                    // lstat, as libostree: a symlink object of a bare repository usually points nowhere from here.
                    freed += Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS).size();
                    deleted++;
                    if (!dryRun) {
                        Files.delete(p);
                    }
                }
            } finally {
                if (!dryRun && deleted > 0) {
                    repo.forgetDecodedTrees();
                }
            }
            return new Result(all.size(), deleted, freed);
        }
    }

    private void deleteOldCommits() throws IOException, OstreeFormatException {
        List<ObjectId> old = new ArrayList<>();
        for (ObjectId head : repo.refs().listAll().values()) {
            Optional<ObjectId> next = Optional.of(head);
            boolean first = true;
            while (next.isPresent() && repo.has(next.get(), ObjectType.COMMIT)) {
                Commit c = repo.readCommit(next.get());
                if (!first && c.time().isBefore(keepYoungerThan)) {
                    old.add(next.get());
                }
                first = false;
                next = c.parent();
            }
        }
        if (!dryRun) {
            for (ObjectId id : old) {
                Path p = repo.objectPath(id, ObjectType.COMMIT);
                if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(p);
                }
            }
        }
    }
}
