package org.aptostree.cli.ostree;

import java.util.Optional;
import java.util.concurrent.Callable;

import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.Repository;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

@Command(name = "log", mixinStandardHelpOptions = true, description = "Show log starting at commit or ref.")
final class LogCommand implements Callable<Integer> {
    @ParentCommand
    OstreeCommand repo;

    @Parameters(index = "0", paramLabel = "REF")
    String rev;

    @Override
    public Integer call() throws Exception {
        Repository r = repo.open();
        Optional<ObjectId> next = Optional.of(r.resolveRev(rev));
        StringBuilder out = new StringBuilder();
        while (next.isPresent()) {
            ObjectId id = next.get();
            if (!r.has(id, org.aptostree.ostree.object.ObjectType.COMMIT)) {
                out.append("<< History beyond this commit not fetched >>\n");
                break;
            }
            Commit c = r.readCommit(id);
            out.append(CommitPrinter.format(id, c));
            next = c.parent();
        }
        System.out.print(out);
        return 0;
    }
}
