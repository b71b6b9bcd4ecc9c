package org.aptostree.ostree.sysroot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.KeyFile;
import org.aptostree.ostree.repo.Repository;

/**
 * Run in a child JVM by {@link SysrootProcessesTest}: {@code deploy ROOT COUNT FILES DONE} deploys the commits
 * {@code test/0..COUNT-1} one by one and checks each new deployment while it still holds the lock;
 * {@code cleanup ROOT DONE} cleans up again and again until the file DONE exists. Each takes the sysroot lock per
 * operation, as separate ostree admin commands would. A failed check or error exits non-zero.
 */
public final class SysrootRaceChild {
    private SysrootRaceChild() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[1]);
        if (args[0].equals("deploy")) {
            deploy(root, Integer.parseInt(args[2]), Integer.parseInt(args[3]), Path.of(args[4]));
        } else {
            cleanup(root, Path.of(args[2]));
        }
    }

    private static void deploy(Path root, int count, int files, Path done) throws Exception {
        KeyFile origin = KeyFile.parse("[origin]\nrefspec=test\n", "origin");
        for (int i = 0; i < count; i++) {
            ObjectId commit = Repository.open(root.resolve("ostree/repo")).resolveRev("test/" + i);
            try (Deployer d = Deployer.lock(root)) {
                Deployment fresh = d.deploy(commit, Deployer.DeployOptions.of("debian", origin)).deployment();
                Deployment first = d.sysroot().deployments().get(0);
                if (!first.sameDeployment(fresh)) {
                    throw new AssertionError("deploy " + i + ": the default is " + first.dirName() + ", not " + fresh.dirName());
                }
                Path dir = fresh.dir(root);
                String marker = Files.readString(dir.resolve("usr/share/marker"));
                if (!marker.equals(i + "\n")) {
                    throw new AssertionError("deploy " + i + ": marker " + marker);
                }
                try (Stream<Path> walk = Files.walk(dir.resolve("usr/share/data"))) {
                    long n = walk.filter(Files::isRegularFile).count();
                    if (n != files) {
                        throw new AssertionError("deploy " + i + ": " + n + " of " + files + " files in " + dir);
                    }
                }
            }
            // Outside the lock, as between two commands, so the cleaner gets its turns.
            Thread.sleep(20);
        }
        Files.writeString(done, "done\n");
    }

    private static void cleanup(Path root, Path done) throws Exception {
        int n = 0;
        do {
            try (Deployer d = Deployer.lock(root)) {
                d.cleanup();
            }
            n++;
        } while (!Files.exists(done));
        System.out.println("cleanups: " + n);
    }
}
