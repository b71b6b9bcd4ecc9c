package org.aptostree.cli.ostree;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

@Command(name = "rev-parse", mixinStandardHelpOptions = true, description = "Output the target of a rev.")
final class RevParseCommand implements Callable<Integer> {
    @ParentCommand
    OstreeCommand repo;

    @Parameters(arity = "1..*", paramLabel = "REV")
    java.util.List<String> revs;

    @Override
    public Integer call() throws Exception {
        var r = repo.open();
        for (String rev : revs) {
            System.out.println(r.resolveRev(rev));
        }
        return 0;
    }
}
