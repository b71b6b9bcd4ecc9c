package org.aptostree.cli.ostree;

import java.util.concurrent.Callable;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.ostree.repo.Fsck;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Option;

@Command(name = "fsck", mixinStandardHelpOptions = true, description = "Check the repository for consistency.")
final class FsckCommand implements Callable<Integer> {
    @ParentCommand
    OstreeCommand repo;

    @Option(names = {"-q", "--quiet"}, description = "Only print error messages")
    boolean quiet;

    @Option(names = "--delete", description = "Remove corrupted objects")
    boolean delete;

    @Override
    public Integer call() throws Exception {
        var r = repo.open();
        if (!quiet) {
            System.out.println("Validating refs...");
            System.out.println("Enumerating commits...");
        }
        Fsck.Report report = new Fsck(r).run(delete);
        for (Fsck.Problem p : report.problems()) {
            System.err.println("error: " + p + (delete && !p.missing() ? " (deleted)" : ""));
        }
        if (!report.ok()) {
            throw new ExitCodeException(1, report.problems().size() + " missing or corrupted objects in " + report.commits() + " commits");
        }
        if (!quiet) {
            System.out.println("Verifying content integrity of " + report.commits() + " commit objects...");
            System.out.println("object fsck of " + report.commits() + " commits completed successfully - no errors found.");
        }
        return 0;
    }
}
