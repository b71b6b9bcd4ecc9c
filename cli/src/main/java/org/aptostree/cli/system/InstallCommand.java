package org.aptostree.cli.system;

import java.util.List;
import java.util.concurrent.Callable;

import org.aptostree.daemon.transaction.UpdateDeploymentTransaction;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "install", aliases = "pkg-add", mixinStandardHelpOptions = true, description = "Overlay additional packages.")
final class InstallCommand implements Callable<Integer> {
    @Mixin
    SystemOptions system = new SystemOptions();
    @Mixin
    LayeringOptions layering = new LayeringOptions();

    @Parameters(paramLabel = "PACKAGE", arity = "1..*", description = "NAME, NAME=VERSION, NAME:ARCH, or ./FILE.deb")
    List<String> packages;

    @Option(names = "--idempotent", description = "Do nothing if the package is already requested")
    boolean idempotent;

    @Option(names = "--allow-inactive", description = "Allow requests for packages the base has already")
    boolean allowInactive;

    @Option(names = "--force-replacefiles", description = "Allow packages to replace files of the base")
    boolean forceReplaceFiles;

    @Option(names = {"-y", "--assumeyes"}, description = "Auto-confirm (apt-ostree never asks)")
    boolean assumeYes;

    @Option(names = "--uninstall", paramLabel = "PKG", description = "Remove an overlaid package in the same transaction")
    List<String> uninstall = List.of();

    @Override
    public Integer call() {
        Changes.Split split = Changes.Split.of(packages);
        DaemonOptions options = layering.daemonOptions(system).flag("idempotent-layering", idempotent)
                .flag("allow-inactive-requests", allowInactive).flag("force-replacefiles", forceReplaceFiles);
        TransactionRunner.DaemonCall call = uninstall.isEmpty()
                ? new TransactionRunner.DaemonCall("install_packages", "asa{sv}", split.names(),
                        options.files("local-packages", split.local()))
                : Changes.updateDeployment(new DaemonOptions().strings("install-packages", split.names())
                        .files("install-local-packages", split.local()).strings("uninstall-packages", uninstall), options);
        return Changes.run(system, "install " + String.join(" ", packages),
                UpdateDeploymentTransaction.Changes.none().withInstall(split.names(), split.local()).withUninstall(uninstall, false),
                layering.options(idempotent, allowInactive, forceReplaceFiles, false, false), layering, call);
    }
}
