package org.aptostree.cli.system;

import java.util.List;
import java.util.concurrent.Callable;

import org.aptostree.daemon.system.PackageQueries;
import org.aptostree.daemon.dbus.Values;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "search", mixinStandardHelpOptions = true, description = "Search for packages (in the cached indexes of the deployment's APT sources).")
final class SearchCommand implements Callable<Integer> {
    @Mixin
    SystemOptions system = new SystemOptions();

    @Parameters(arity = "1..*", paramLabel = "QUERY", description = "Words that must all appear in the name or description")
    List<String> query;

    @Override
    public Integer call() {
        String words = String.join(" ", query).strip();
        List<String> results = TransactionRunner.query(system, d -> Values.strings(d.os("search_packages", "sa{sv}", words,
                system.daemonOptions().map())[0]), root -> new PackageQueries(root).search(List.of(words.split("\\s+")), false));
        if (results.isEmpty()) {
            System.out.println("No matches found.");
            return 1;
        }
        results.forEach(System.out::println);
        return 0;
    }
}
