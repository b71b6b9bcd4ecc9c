package org.aptostree.cli.ostree;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.ostree.object.ObjectName;
import org.aptostree.ostree.object.ObjectType;
import org.aptostree.ostree.repo.Repository;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "rev-parse", mixinStandardHelpOptions = true, description = "Output the target of a rev.")
final class RevParseCommand implements Callable<Integer> {
    @ParentCommand
    OstreeCommand repo;

    @Option(names = {"-S", "--single"},
            description = "If the repository has exactly one commit, then print it; any other case will result in an error")
    boolean single;

    @Parameters(arity = "0..*", paramLabel = "REV")
    List<String> revs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Repository r = repo.open();
        if (single) {
            if (!revs.isEmpty()) {
                throw new ExitCodeException(1, "Cannot specify arguments with --single");
            }
            List<ObjectName> commits = r.listObjects().stream().filter(n -> n.type() == ObjectType.COMMIT).toList();
            if (commits.size() != 1) {
                throw new ExitCodeException(1, commits.isEmpty() ? "No commit objects found" : "Multiple commit objects found");
            }
            System.out.println(commits.get(0).id());
            return 0;
        }
        if (revs.isEmpty()) {
            throw new ExitCodeException(1, "REV must be specified");
        }
        for (String rev : revs) {
            System.out.println(r.resolveRev(rev));
        }
        return 0;
    }
}
