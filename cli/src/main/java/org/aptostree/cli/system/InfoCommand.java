package org.aptostree.cli.system;

import java.util.concurrent.Callable;

import org.aptostree.daemon.system.PackageQueries;

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
        // show_package_info takes no options: a stateroot other than the default one is read in this process.
        SystemOptions options = system;
        if (system.os != null) {
            options = new SystemOptions();
            options.sysroot = system.sysroot;
            options.os = system.os;
            options.direct = true;
        }
        String info = TransactionRunner.query(options, d -> (String) d.os("show_package_info", "s", name)[0],
                root -> new PackageQueries(root).info(name, false));
        System.out.print(info);
        return 0;
    }
}
