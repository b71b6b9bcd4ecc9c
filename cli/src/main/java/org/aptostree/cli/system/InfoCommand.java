package org.aptostree.cli.system;

import java.util.concurrent.Callable;

import org.aptostree.daemon.system.PackageQueries;
import org.aptostree.daemon.transaction.TransactionException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "info", mixinStandardHelpOptions = true, description = "Show a package's records in the deployment's APT sources.")
final class InfoCommand implements Callable<Integer> {
    @Mixin
    SystemOptions system = new SystemOptions();

    @Parameters(index = "0", paramLabel = "PACKAGE")
    String name;

    @Override
    public Integer call() {
        try {
            System.out.print(new PackageQueries(system.open()).info(name, false));
            return 0;
        } catch (TransactionException e) {
            throw TransactionRunner.failure(e);
        }
    }
}
