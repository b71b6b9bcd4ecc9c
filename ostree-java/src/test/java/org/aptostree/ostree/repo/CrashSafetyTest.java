package org.aptostree.ostree.repo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.aptostree.fixtures.tree.FileTrees;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills (SIGKILL) a process that commits and prunes at random moments; after each kill the repository passes
 * our fsck and the real ostree's, and every ref points at a complete commit.
 */
class CrashSafetyTest {
    @TempDir
    Path dir;

    @Test
    void killedWritersLeaveAConsistentRepository() throws Exception {
        Requirements.tool("ostree");
        Path trees = dir.resolve("trees");
        for (int t = 0; t < 4; t++) {
            FileTrees.sample(1000 + t, false).write(trees.resolve("t" + t));
        }
        Repository repo = Repository.init(dir.resolve("repo"), RepoMode.ARCHIVE);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Random random = new Random(7);
        int runs = Integer.getInteger("aptostree.crashRuns", 25);
        for (int run = 0; run < runs; run++) {
            Process p = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    CrashVictim.class.getName(), repo.path().toString(), trees.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("victim.log").toFile()).start();
            Thread.sleep(300 + random.nextInt(1500));
            assertTrue(p.isAlive(), "the writer died by itself: " + Files.readString(dir.resolve("victim.log")));
            p.destroyForcibly().waitFor();

            Repository reopened = Repository.open(repo.path());
            Fsck.Report report = new Fsck(reopened).run(false);
            assertTrue(report.ok(), "run " + run + ": " + report.problems());
            RealOstree.run("fsck", "--repo=" + repo.path());
            for (Map.Entry<String, ObjectId> ref : reopened.refs().listAll().entrySet()) {
                Path co = dir.resolve("co-" + run + "-" + ref.getKey().replace('/', '_'));
                new Checkout(reopened).userMode(true).checkout(ref.getValue(), co);
                Trees.deleteTree(co);
            }
        }
        // Commits survived the kills, so the last run's checks had refs to check; and only the writer's refs exist.
        Set<String> refs = Repository.open(repo.path()).refs().listAll().keySet();
        assertFalse(refs.isEmpty(), "no commit survived " + runs + " kills");
        assertTrue(Set.of("crash/0", "crash/1", "crash/2").containsAll(refs), refs.toString());
    }
}
