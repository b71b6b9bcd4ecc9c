package org.aptostree.cli.ostree;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.aptostree.ostree.repo.Checkout;
import org.aptostree.ostree.repo.Repository;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "checkout", mixinStandardHelpOptions = true, description = "Check out a commit into a filesystem tree.")
final class CheckoutCommand implements Callable<Integer> {
    @ParentCommand
    OstreeCommand repo;

    @Option(names = {"-U", "--user-mode"}, description = "Do not change file ownership or initialize extended attributes")
    boolean userMode;

    @Option(names = "--union", description = "Keep existing directories, overwrite existing files")
    boolean union;

    @Option(names = "--subpath", description = "Checkout sub-directory PATH")
    String subpath = "/";

    @Parameters(index = "0", paramLabel = "COMMIT")
    String rev;

    @Parameters(index = "1", arity = "0..1", paramLabel = "DESTINATION")
    Path destination;

    @Override
    public Integer call() throws Exception {
        Repository r = repo.open();
        Path dest = destination != null ? destination : Path.of(rev.replace('/', '_'));
        new Checkout(r).userMode(userMode).union(union).subpath(subpath).checkout(r.resolveRev(rev), dest);
        return 0;
    }
}
