package org.aptostree.cli.ostree;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.ostree.gvariant.GHashTableOrder;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectType;
import org.aptostree.ostree.repo.Fsck;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ostree fsck}, with its messages: a missing object is reported and the commits that reach it are marked
 * partial; a corrupt one ends the check unless {@code --all} or {@code --delete} (which deletes it and then treats it
 * as missing). The objects are checked in parallel, not one by one, so the progress lines are the first and last of
 * ostree's, which is all it prints when a check takes less than a second. Where several commits reach a problem,
 * they are listed in the order of libostree's hash table, assuming it took them in checksum order.
 */
@Command(name = "fsck", mixinStandardHelpOptions = true, description = "Check the repository for consistency.")
final class FsckCommand implements Callable<Integer> {
    @ParentCommand
    OstreeCommand repo;

    @Option(names = {"-q", "--quiet"}, description = "Only print error messages")
    boolean quiet;

    @Option(names = {"-a", "--all"}, description = "Don't stop on first error")
    boolean all;

    @Option(names = "--delete", description = "Remove corrupted objects")
    boolean delete;

    @Override
    public Integer call() throws Exception {
        var r = repo.open();
        if (!quiet) {
            System.out.print("Validating refs...\nValidating refs in collections...\nEnumerating commits...\n");
        }
        Fsck fsck = new Fsck(r);
        Fsck.Report report = fsck.run(delete);
        if (!quiet) {
            System.out.print("Verifying content integrity of " + report.commits() + " commit objects...\n");
        }
        int total = report.objects();
        boolean aborts = !all && !delete && report.problems().stream().anyMatch(p -> !p.missing());
        // ostree stops at a corrupt object; which objects it checked before is not known here, so no progress.
        if (total > 0 && !aborts) {
            if (total > 1) {
                System.out.print("fsck objects (1/" + total + ") " + (int) (1.0 / total * 100) + "%\n");
            }
            System.out.print("fsck objects (" + total + "/" + total + ") 100%\n");
        }
        System.out.flush();
        boolean corruption = false;
        for (Fsck.Problem p : report.problems()) {
            corruption = true;
            // libostree lists the commits as its hash table of them holds them.
            List<ObjectId> commits = GHashTableOrder.order(p.commits().stream().map(ObjectId::hex).toList())
                    .stream().map(ObjectId::fromHex).toList();
            Fsck.Problem ordered = new Fsck.Problem(p.object(), p.missing(), p.detail(), commits);
            boolean nowMissing = p.missing();
            if (!p.missing()) {
                if (!delete && !all) {
                    throw new ExitCodeException(1, ordered.message());
                }
                System.err.println(ordered.message());
                nowMissing = delete;
            } else {
                System.err.println(ordered.message());
            }
            if (nowMissing && p.object().type() != ObjectType.COMMIT) {
                Set<ObjectId> marked = new LinkedHashSet<>(commits);
                for (ObjectId c : marked) {
                    if (fsck.markPartial(c)) {
                        System.err.println("Marking commit as partial: " + c);
                    }
                }
            }
        }
        if (report.partialCommits() > 0) {
            System.out.print(report.partialCommits() + " partial commits not verified\n");
        }
        if (corruption) {
            throw new ExitCodeException(1, "Repository corruption encountered");
        }
        if (report.fsckPartialCommits() > 0) {
            throw new ExitCodeException(1, report.partialCommits() + " partial commits from fsck-detected corruption");
        }
        System.out.print("object fsck of " + report.commits() + " commits completed successfully - no errors found.\n");
        return 0;
    }
}
