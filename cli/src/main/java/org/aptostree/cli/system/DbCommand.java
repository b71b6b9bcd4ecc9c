package org.aptostree.cli.system;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.daemon.dbus.Values;
import org.aptostree.daemon.system.DiffOutput;
import org.aptostree.daemon.system.PackageQueries;

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
            if (!DiffOutput.FORMATS.contains(format)) {
                throw new ExitCodeException(1, "--format: expected block, diff or json, not '" + format + "'");
            }
            String from = revs.isEmpty() ? "" : revs.get(0);
            String to = revs.size() < 2 ? "" : revs.get(1);
            String diff = TransactionRunner.query(system, d -> (String) d.os("db_diff", "ssa{sv}", from, to,
                    system.daemonOptions().string("format", format).map())[0],
                    root -> DiffOutput.render(new PackageQueries(root).diff(from.isEmpty() ? Optional.empty() : Optional.of(from),
                            to.isEmpty() ? Optional.empty() : Optional.of(to)), format));
            System.out.print(diff);
            return 0;
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
            Optional<String> rev = !args.isEmpty() && (args.get(0).matches("[0-9a-f]{64}") || args.get(0).contains("/")
                    || args.get(0).contains(":")) ? Optional.of(args.get(0)) : Optional.empty();
            List<String> patterns = rev.isPresent() ? args.subList(1, args.size()) : args;
            TransactionRunner.query(system, d -> Values.strings(d.os("list_packages", "a{sv}", system.daemonOptions()
                    .string("revision", rev.orElse(null)).strings("patterns", patterns).map())[0]),
                    root -> new PackageQueries(root).list(rev, patterns)).forEach(System.out::println);
            return 0;
        }
    }
}
