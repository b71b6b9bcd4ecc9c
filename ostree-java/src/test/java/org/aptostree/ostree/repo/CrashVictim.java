package org.aptostree.ostree.repo;

import java.nio.file.Path;

/** Run in a child JVM by {@link CrashSafetyTest}: commits trees and prunes until it is killed. */
public final class CrashVictim {
    private CrashVictim() {
    }

    public static void main(String[] args) throws Exception {
        Repository repo = Repository.open(Path.of(args[0]));
        Path trees = Path.of(args[1]);
        for (int i = 0; ; i++) {
            new CommitBuilder(repo).branch("crash/" + (i % 3)).timestamp(i).commitDirectory(trees.resolve("t" + (i % 4)));
            if (i % 5 == 4) {
                new Prune(repo).refsOnly(true).depth(0).run();
            }
        }
    }
}
