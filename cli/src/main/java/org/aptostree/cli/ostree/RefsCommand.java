package org.aptostree.cli.ostree;

import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.ostree.gvariant.GHashTableOrder;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.Repository;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "refs", mixinStandardHelpOptions = true, description = "List refs, create or delete one.")
final class RefsCommand implements Callable<Integer> {
    @ParentCommand
    OstreeCommand repo;

    @Option(names = "--create", paramLabel = "NEWREF", description = "Create a new ref pointing at the given commit")
    String create;

    @Option(names = "--delete", description = "Delete refs which match PREFIX")
    boolean delete;

    @Option(names = "--list", description = "Do not remove the prefix from the refs")
    boolean list;

    @Option(names = {"-A", "--alias"}, description = "List aliases (symlinked refs) with their targets")
    boolean alias;

    @Parameters(arity = "0..*", paramLabel = "PREFIX")
    java.util.List<String> args = new java.util.ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Repository r = repo.open();
        if (create != null) {
            if (args.size() != 1) {
                throw new IllegalArgumentException("--create requires one existing commit or ref");
            }
            ObjectId target = r.resolveRev(args.get(0));
            if (r.refs().resolve(create).isPresent()) {
                throw new ExitCodeException(1, "Refspec '" + create + "' already exists");
            }
            r.refs().set(create, target);
            return 0;
        }
        Map<String, ObjectId> refs = r.refs().listAll();
        if (delete) {
            if (args.isEmpty()) {
                throw new IllegalArgumentException("At least one PREFIX is required when deleting refs");
            }
            for (String prefix : args) {
                for (String ref : refs.keySet()) {
                    if (ref.equals(prefix) || ref.startsWith(prefix.endsWith("/") ? prefix : prefix + "/")) {
                        r.refs().delete(ref);
                    }
                }
            }
            return 0;
        }
        // ostree refs PREFIX lists names below the prefix; --list (and -A) keep the prefix.
        boolean cutPrefix = !(list || alias);
        Map<String, String> found = r.refs().enumerate(args.isEmpty() ? Optional.empty() : Optional.of(args.get(0)), cutPrefix, alias);
        StringBuilder out = new StringBuilder();
        // ostree prints its hash table of refs in the table's own order.
        for (String ref : GHashTableOrder.order(new ArrayList<>(found.keySet()))) {
            out.append(ref);
            if (alias) {
                out.append(" -> ").append(found.get(ref));
            }
            out.append('\n');
        }
        System.out.print(out);
        return 0;
    }
}
