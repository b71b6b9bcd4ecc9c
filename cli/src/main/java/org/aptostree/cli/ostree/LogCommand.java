package org.aptostree.cli.ostree;

import java.util.Optional;
import java.util.concurrent.Callable;

import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectType;
import org.aptostree.ostree.repo.Repository;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "log", mixinStandardHelpOptions = true, description = "Show log starting at commit or ref.")
final class LogCommand implements Callable<Integer> {
    @ParentCommand
    OstreeCommand repo;

    @Option(names = "--raw", description = "Show raw variant data")
    boolean raw;

    @Parameters(index = "0", paramLabel = "REV")
    String rev;

    @Override
    public Integer call() throws Exception {
        Repository r = repo.open();
        Optional<ObjectId> next = Optional.of(r.resolveRev(rev));
        boolean first = true;
        while (next.isPresent()) {
            ObjectId id = next.get();
            if (!first && !r.has(id, ObjectType.COMMIT)) {
                System.out.print("<< History beyond this commit not fetched >>\n");
                break;
            }
            byte[] data = r.readMetadataBytes(id, ObjectType.COMMIT);
            // Each commit as it is read, as ostree does: what came before an error stays printed.
            System.out.print(ObjectPrinter.format(ObjectType.COMMIT, id, Commit.TYPE, data,
                    raw ? ObjectPrinter.Dump.RAW : ObjectPrinter.Dump.PARSED));
            next = Commit.decode(data).parent();
            first = false;
        }
        System.out.flush();
        return 0;
    }
}
