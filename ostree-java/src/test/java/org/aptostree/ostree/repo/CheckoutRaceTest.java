package org.aptostree.ostree.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.aptostree.ostree.object.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many copies of one file, checked out by all workers at once from an archive repository. Linux refuses to link an
 * inode whose last name was just renamed over ({@code link(2)} gives ENOENT), so a worker linking the cached copy
 * while another one caches the same object again fails, unless a cache entry, once there, is never replaced.
 */
class CheckoutRaceTest {
    private static final int DIRS = 48;
    private static final int COPIES = 96;

    @TempDir
    Path dir;

    private ObjectId commitCopies(RepoMode mode) throws Exception {
        Path tree = dir.resolve("tree");
        for (int d = 0; d < DIRS; d++) {
            Path sub = Files.createDirectories(tree.resolve("d" + d));
            for (int f = 0; f < COPIES; f++) {
                Files.writeString(sub.resolve("f" + f), "the same bytes\n");
            }
        }
        Repository repo = Repository.init(dir.resolve("repo"), mode);
        return new CommitBuilder(repo).branch("copies").timestamp(0).commitDirectory(tree);
    }

    private static long files(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void userModeCheckoutsOfAnArchiveRepositoryFillItsCacheOnce() throws Exception {
        ObjectId commit = commitCopies(RepoMode.ARCHIVE);
        Repository repo = Repository.open(dir.resolve("repo"));
        Path cache = repo.path().resolve("uncompressed-objects-cache");
        for (int round = 0; round < 8; round++) {
            Trees.deleteTree(cache);
            Path co = dir.resolve("co" + round);
            new Checkout(repo).userMode(true).checkout(commit, co);
            assertEquals(DIRS * COPIES, files(co));
            List<Path> cached;
            try (Stream<Path> s = Files.walk(cache)) {
                cached = s.filter(Files::isRegularFile).toList();
            }
            assertEquals(1, cached.size(), "one cache entry, no staged files left: " + cached);
            assertEquals(DIRS * COPIES + 1, (int) Files.getAttribute(cached.get(0), "unix:nlink"));
            Trees.deleteTree(co);
        }
    }
}
