package org.aptostree.cli.system;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.daemon.transaction.UpdateDeploymentTransaction;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "override", mixinStandardHelpOptions = true, description = "Manage base package overrides.",
        subcommands = {OverrideCommand.Remove.class, OverrideCommand.Replace.class, OverrideCommand.Reset.class})
final class OverrideCommand implements Runnable {
    @Override
    public void run() {
        throw new ExitCodeException(1, "override: a subcommand is required: remove, replace or reset");
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove packages from the base layer.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        SystemOptions system = new SystemOptions();
        @Mixin
        LayeringOptions layering = new LayeringOptions();

        @Parameters(paramLabel = "PACKAGE", arity = "1..*")
        List<String> packages;

        @Option(names = "--replace", paramLabel = "FILE.deb", description = "Replace a package in the same transaction")
        List<String> replace = List.of();

        @Override
        public Integer call() {
            List<java.nio.file.Path> local = Changes.Split.of(replace).local();
            DaemonOptions options = layering.daemonOptions(system);
            TransactionRunner.DaemonCall call = local.isEmpty()
                    ? new TransactionRunner.DaemonCall("override_remove", "asa{sv}", packages, options)
                    : Changes.updateDeployment(new DaemonOptions().strings("override-remove-packages", packages)
                            .files("override-replace-local-packages", local), options);
            return Changes.run(system, "override remove " + String.join(" ", packages),
                    UpdateDeploymentTransaction.Changes.none().withOverrides(packages, local, List.of(), false),
                    layering.options(false, false, false, false, false), layering, call);
        }
    }

    @Command(name = "replace", mixinStandardHelpOptions = true, description = "Replace packages in the base layer.")
    static final class Replace implements Callable<Integer> {
        @Mixin
        SystemOptions system = new SystemOptions();
        @Mixin
        LayeringOptions layering = new LayeringOptions();

        @Parameters(paramLabel = "FILE.deb", arity = "1..*")
        List<String> packages;

        @Option(names = "--remove", paramLabel = "PKG", description = "Remove a package in the same transaction")
        List<String> remove = List.of();

        @Override
        public Integer call() {
            Changes.Split split = Changes.Split.of(packages);
            if (!split.names().isEmpty()) {
                throw new ExitCodeException(1, "override replace takes local .deb files; not: " + String.join(", ", split.names()));
            }
            DaemonOptions options = layering.daemonOptions(system);
            TransactionRunner.DaemonCall call = remove.isEmpty()
                    ? new TransactionRunner.DaemonCall("override_replace", "aaya{sv}", DaemonOptions.contents(split.local()), options)
                    : Changes.updateDeployment(new DaemonOptions().strings("override-remove-packages", remove)
                            .files("override-replace-local-packages", split.local()), options);
            return Changes.run(system, "override replace " + String.join(" ", packages),
                    UpdateDeploymentTransaction.Changes.none().withOverrides(remove, split.local(), List.of(), false),
                    layering.options(false, false, false, false, false), layering, call);
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true, description = "Reset currently active package overrides.")
    static final class Reset implements Callable<Integer> {
        @Mixin
        SystemOptions system = new SystemOptions();
        @Mixin
        LayeringOptions layering = new LayeringOptions();

        @Parameters(paramLabel = "PACKAGE", arity = "0..*")
        List<String> packages = new ArrayList<>();

        @Option(names = {"-a", "--all"}, description = "Reset all active overrides")
        boolean all;

        @Override
        public Integer call() {
            if (packages.isEmpty() && !all) {
                throw new ExitCodeException(1, "At least one PACKAGE must be specified (or --all)");
            }
            return Changes.run(system, "override reset " + (all ? "--all" : String.join(" ", packages)),
                    UpdateDeploymentTransaction.Changes.none().withOverrides(List.of(), List.of(), packages, all),
                    layering.options(false, false, false, false, false), layering,
                    new TransactionRunner.DaemonCall("override_reset", "asa{sv}", packages, layering.daemonOptions(system).flag("all", all)));
        }
    }
}
