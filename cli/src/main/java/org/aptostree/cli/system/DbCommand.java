package org.aptostree.cli.system;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.daemon.system.PackageDiff;
import org.aptostree.daemon.system.PackageQueries;
import org.aptostree.daemon.transaction.TransactionException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "db", mixinStandardHelpOptions = true, description = "Commands to query the package database.",
        subcommands = {DbCommand.Diff.class, DbCommand.ListPackages.class})
final class DbCommand implements Runnable {
    @Override
    public void run() {
        throw new ExitCodeException(1, "db: a subcommand is required: diff or list");
    }

    @Command(name = "diff", mixinStandardHelpOptions = true, description = "Show package changes between two commits.")
    static final class Diff implements Callable<Integer> {
        @Mixin
        SystemOptions system = new SystemOptions();

        @Parameters(arity = "0..2", paramLabel = "REV", description = "FROM and TO (default: booted and pending, or rollback and booted)")
        List<String> revs = new ArrayList<>();

        @Option(names = {"-F", "--format"}, paramLabel = "FORMAT", description = "block (default), diff or json")
        String format = "block";

        @Override
        public Integer call() {
            try {
                PackageDiff diff = new PackageQueries(system.open()).diff(revs.isEmpty() ? Optional.empty() : Optional.of(revs.get(0)),
                        revs.size() < 2 ? Optional.empty() : Optional.of(revs.get(1)));
                switch (format) {
                    case "block" -> System.out.print(diff.block());
                    case "diff" -> System.out.print(diff.diff());
                    case "json" -> System.out.println(diff.json());
                    default -> throw new ExitCodeException(1, "--format: expected block, diff or json, not '" + format + "'");
                }
                return 0;
            } catch (TransactionException e) {
                throw TransactionRunner.failure(e);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List packages within commits.")
    static final class ListPackages implements Callable<Integer> {
        @Mixin
        SystemOptions system = new SystemOptions();

        @Parameters(arity = "0..*", paramLabel = "REV|PATTERN", description = "A revision (a commit or ref), then name patterns")
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            try {
                Optional<String> rev = !args.isEmpty() && (args.get(0).matches("[0-9a-f]{64}") || args.get(0).contains("/")
                        || args.get(0).contains(":")) ? Optional.of(args.get(0)) : Optional.empty();
                List<String> patterns = rev.isPresent() ? args.subList(1, args.size()) : args;
                new PackageQueries(system.open()).list(rev, patterns).forEach(System.out::println);
                return 0;
            } catch (TransactionException e) {
                throw TransactionRunner.failure(e);
            }
        }
    }
}
