package org.aptostree.cli.ostree;

import java.util.concurrent.Callable;

import org.aptostree.ostree.repo.Prune;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "prune", mixinStandardHelpOptions = true, description = "Search for unreachable objects.")
final class PruneCommand implements Callable<Integer> {
    @ParentCommand
    OstreeCommand repo;

    @Option(names = "--no-prune", description = "Only display unreachable objects; don't delete")
    boolean noPrune;

    @Option(names = "--refs-only", description = "Only compute reachability via refs")
    boolean refsOnly;

    @Option(names = "--depth", description = "Only traverse DEPTH parents for each commit (default: -1=infinite)")
    int depth = -1;

    @Option(names = "--keep-younger-than", paramLabel = "DATE", description = "Prune all commits older than the specified date")
    String keepYoungerThan;

    @Override
    public Integer call() throws Exception {
        Prune prune = new Prune(repo.open()).refsOnly(refsOnly).depth(depth).dryRun(noPrune);
        if (keepYoungerThan != null) {
            prune.keepYoungerThan(java.time.Instant.ofEpochSecond(CommitCommand.parseTimestamp(keepYoungerThan)));
        }
        Prune.Result r = prune.run();
        System.out.println("Total objects: " + r.totalObjects());
        if (r.deletedObjects() == 0) {
            System.out.println("No unreachable objects");
        } else if (noPrune) {
            System.out.println("Would delete: " + r.deletedObjects() + " objects, freeing " + r.freedBytes() + " bytes");
        } else {
            System.out.println("Deleted " + r.deletedObjects() + " objects, " + r.freedBytes() + " bytes freed");
        }
        return 0;
    }
}
