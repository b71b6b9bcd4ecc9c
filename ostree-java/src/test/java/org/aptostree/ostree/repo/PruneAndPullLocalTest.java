package org.aptostree.ostree.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.aptostree.fixtures.tree.FileTrees;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectName;
import org.aptostree.ostree.object.ObjectType;
import org.aptostree.ostree.pull.LocalSource;
import org.aptostree.ostree.pull.Puller;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prune deletes what {@code ostree prune} deletes; pull-local copies between modes and tools. */
class PruneAndPullLocalTest {
    @TempDir
    Path dir;

    @BeforeEach
    void requireOstree() {
        Requirements.tools("ostree", "cp");
    }

    /** An ostree-written archive repository with a history of five commits on one ref and a dangling commit. */
    private Path history() throws Exception {
        Path repo = dir.resolve("history");
        RealOstree.run("init", "--repo=" + repo, "--mode=archive");
        for (int i = 1; i <= 5; i++) {
            Path tree = dir.resolve("tree" + i);
            FileTrees.sample(i, false).write(tree);
            RealOstree.run("commit", "--repo=" + repo, "-b", "main", "--tree=dir=" + tree, "--timestamp=@" + (i * 1000));
        }
        Path other = dir.resolve("other");
        FileTrees.sample(99, false).write(other);
        RealOstree.run("commit", "--repo=" + repo, "-b", "gone", "--tree=dir=" + other, "--timestamp=@9000");
        RealOstree.run("refs", "--repo=" + repo, "--delete", "gone");
        return repo;
    }

    private static List<String> objects(Path repo) throws Exception {
        try (Stream<Path> s = Files.walk(repo.resolve("objects"))) {
            return s.filter(Files::isRegularFile).map(p -> repo.relativize(p).toString()).sorted().toList();
        }
    }

    private Path copy(Path repo, String name) throws Exception {
        Path to = dir.resolve(name);
        new ProcessBuilder("cp", "-a", repo.toString(), to.toString()).inheritIO().start().waitFor();
        return to;
    }

    private void samePruneAs(Path base, String name, List<String> ostreeArgs, Prune ours) throws Exception {
        Path theirs = copy(base, name + "-ostree");
        List<String> args = new java.util.ArrayList<>(List.of("prune", "--repo=" + theirs));
        args.addAll(ostreeArgs);
        RealOstree.run(args.toArray(String[]::new));
        ours.run();
        assertEquals(objects(theirs), objects(dir.resolve(name)), "prune " + ostreeArgs);
        RealOstree.run("fsck", "--repo=" + dir.resolve(name));
    }

    @Test
    void pruneMatchesOstree() throws Exception {
        Path base = history();
        Path a = copy(base, "all");
        samePruneAs(base, "all", List.of(), new Prune(Repository.open(a)));
        Path b = copy(base, "refs");
        samePruneAs(base, "refs", List.of("--refs-only"), new Prune(Repository.open(b)).refsOnly(true));
        Path c = copy(base, "depth");
        samePruneAs(base, "depth", List.of("--refs-only", "--depth=1"), new Prune(Repository.open(c)).refsOnly(true).depth(1));
        Path d = copy(base, "young");
        samePruneAs(base, "young", List.of("--keep-younger-than=1970-01-01T00:50:00Z"),
                new Prune(Repository.open(d)).keepYoungerThan(java.time.Instant.ofEpochSecond(3000)));
    }

    /** Trees read stay decoded, for every Repository of the directory; a prune that deletes them forgets them. */
    @Test
    void prunedTreesAreForgotten() throws Exception {
        Path path = copy(history(), "forget");
        Repository repo = Repository.open(path);
        Set<ObjectName> kept = Reachability.of(repo, Set.of(repo.refs().resolve("main").orElseThrow()), -1);
        List<ObjectId> doomed = new ArrayList<>();
        for (ObjectName n : repo.listObjects()) {
            if (n.type() == ObjectType.DIR_TREE) {
                assertEquals(DirTree.decode(repo.readMetadataBytes(n.id(), n.type())), repo.readDirTree(n.id()));
                if (!kept.contains(n)) {
                    doomed.add(n.id());
                }
            }
        }
        assertFalse(doomed.isEmpty(), "the dangling commit has trees of its own");
        new Prune(Repository.open(path)).refsOnly(true).run();
        for (ObjectId id : doomed) {
            assertThrows(NoSuchObjectException.class, () -> repo.readDirTree(id), id.hex());
        }
        for (ObjectName n : kept) {
            if (n.type() == ObjectType.DIR_TREE) {
                assertEquals(DirTree.decode(repo.readMetadataBytes(n.id(), n.type())), repo.readDirTree(n.id()));
            }
        }
    }

    @Test
    void pullLocalAcrossModes() throws Exception {
        Path base = history();
        Repository bareUser = Repository.init(dir.resolve("bu"), RepoMode.BARE_USER);
        ObjectId head;
        try (LocalSource src = new LocalSource(Repository.open(base))) {
            head = new Puller(bareUser, src).depth(-1).pull(List.of("main"), ref -> ref).get("main");
        }
        assertEquals(RealOstree.run("rev-parse", "--repo=" + base, "main").strip(), head.hex());
        RealOstree.run("fsck", "--repo=" + bareUser.path());
        assertEquals(5, RealOstree.run("log", "--repo=" + bareUser.path(), "main").lines().filter(l -> l.startsWith("commit ")).count());

        // And back into an archive repository, which ostree then checks out like the original.
        Repository archive = Repository.init(dir.resolve("ar"), RepoMode.ARCHIVE);
        try (LocalSource src = new LocalSource(bareUser)) {
            new Puller(archive, src).pull(List.of("main"), ref -> ref);
        }
        RealOstree.run("fsck", "--repo=" + archive.path());
        RealOstree.run("checkout", "--repo=" + archive.path(), "-U", "main", dir.resolve("co").toString());
        assertEquals(Trees.listing(dir.resolve("tree5"), false), Trees.listing(dir.resolve("co"), false));
        Fsck.Report r = new Fsck(archive).run(false);
        assertTrue(r.ok(), r.problems().toString());
        assertTrue(r.objects() > 0);
    }
}
