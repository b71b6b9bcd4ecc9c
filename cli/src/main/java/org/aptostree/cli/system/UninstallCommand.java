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

@Command(name = "uninstall", aliases = {"pkg-remove", "remove"}, mixinStandardHelpOptions = true,
        description = "Remove overlayed additional packages.")
final class UninstallCommand implements Callable<Integer> {
    @Mixin
    SystemOptions system = new SystemOptions();
    @Mixin
    LayeringOptions layering = new LayeringOptions();

    @Parameters(paramLabel = "PACKAGE", arity = "0..*", description = "Requested packages to drop")
    List<String> packages = new ArrayList<>();

    @Option(names = "--all", description = "Remove all overlayed additional packages")
    boolean all;

    @Option(names = "--idempotent", description = "Do nothing if the package is not requested")
    boolean idempotent;

    @Option(names = "--install", paramLabel = "PKG", description = "Overlay a package in the same transaction")
    List<String> install = List.of();

    @Override
    public Integer call() {
        if (packages.isEmpty() && !all) {
            throw new ExitCodeException(1, "At least one PACKAGE must be specified (or --all)");
        }
        DaemonOptions options = layering.daemonOptions(system).flag("idempotent-layering", idempotent);
        TransactionRunner.DaemonCall call = install.isEmpty()
                ? new TransactionRunner.DaemonCall("remove_packages", "asa{sv}", packages, options.flag("all", all))
                : Changes.updateDeployment(new DaemonOptions().strings("uninstall-packages", packages).flag("uninstall-all", all)
                        .strings("install-packages", install), options);
        return Changes.run(system, "uninstall " + (all ? "--all" : String.join(" ", packages)),
                UpdateDeploymentTransaction.Changes.none().withUninstall(packages, all).withInstall(install, List.of()),
                layering.options(idempotent, false, false, false, false), layering, call);
    }
}
