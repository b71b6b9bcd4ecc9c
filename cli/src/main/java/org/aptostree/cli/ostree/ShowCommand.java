package org.aptostree.cli.ostree;

import java.util.concurrent.Callable;

import org.aptostree.ostree.gvariant.GVariantText;
import org.aptostree.ostree.gvariant.Variant;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.Repository;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "show", mixinStandardHelpOptions = true, description = "Output a metadata object.")
final class ShowCommand implements Callable<Integer> {
    @ParentCommand
    OstreeCommand repo;

    @Option(names = "--print-metadata-key", paramLabel = "KEY", description = "Print string value of metadata key")
    String metadataKey;

    @Option(names = "--print-detached-metadata-key", paramLabel = "KEY", description = "Print string value of detached metadata key")
    String detachedKey;

    @Parameters(index = "0", paramLabel = "OBJECT")
    String rev;

    @Override
    public Integer call() throws Exception {
        Repository r = repo.open();
        ObjectId id = r.resolveRev(rev);
        Commit c = r.readCommit(id);
        if (metadataKey != null) {
            Variant v = c.metadata().get(metadataKey)
                    .orElseThrow(() -> new IllegalArgumentException("No such metadata key '" + metadataKey + "'"));
            System.out.println(GVariantText.format(v.type(), v.value()));
            return 0;
        }
        if (detachedKey != null) {
            Variant v = r.readDetachedMetadata(id).flatMap(d -> d.get(detachedKey))
                    .orElseThrow(() -> new IllegalArgumentException("No such detached metadata key '" + detachedKey + "'"));
            System.out.println(GVariantText.format(v.type(), v.value()));
            return 0;
        }
        System.out.print(CommitPrinter.format(id, c));
        return 0;
    }
}
