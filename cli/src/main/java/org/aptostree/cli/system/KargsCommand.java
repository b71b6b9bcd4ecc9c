package org.aptostree.cli.system;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.aptostree.daemon.transaction.KernelArgsEdit;
import org.aptostree.daemon.transaction.KernelArgsTransaction;
import org.aptostree.ostree.sysroot.Deployment;
import org.aptostree.ostree.sysroot.Sysroot;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "kargs", mixinStandardHelpOptions = true, description = "Query or modify kernel arguments.")
final class KargsCommand implements Callable<Integer> {
    @Mixin
    SystemOptions system = new SystemOptions();

    @Option(names = "--append", paramLabel = "KEY=VALUE", description = "Append a kernel argument")
    List<String> append = new ArrayList<>();

    @Option(names = "--replace", paramLabel = "KEY=VALUE", description = "Replace an existing kernel argument")
    List<String> replace = new ArrayList<>();

    @Option(names = "--delete", paramLabel = "KEY[=VALUE]", description = "Delete a kernel argument")
    List<String> delete = new ArrayList<>();

    @Option(names = "--append-if-missing", paramLabel = "KEY=VALUE", description = "Append a kernel argument if it is not present")
    List<String> appendIfMissing = new ArrayList<>();

    @Option(names = "--delete-if-present", paramLabel = "KEY[=VALUE]", description = "Delete a kernel argument if it is present")
    List<String> deleteIfPresent = new ArrayList<>();

    @Option(names = "--deploy-index", paramLabel = "INDEX", description = "Modify the kernel arguments of deployment INDEX")
    Integer deployIndex;

    @Option(names = "--unchanged-exit-77", description = "If the kernel arguments are unchanged, exit 77")
    boolean unchangedExit77;

    @Override
    public Integer call() {
        KernelArgsEdit edit = new KernelArgsEdit(append, replace, delete, appendIfMissing, deleteIfPresent);
        if (edit.isEmpty()) {
            String args = TransactionRunner.query(system, d -> (String) d.os("show_kernel_args", "a{sv}",
                    system.daemonOptions().integer("deploy-index", deployIndex).map())[0], root -> {
                        Sysroot s = root.load();
                        Deployment d = deployIndex != null ? s.deployments().get(deployIndex) : root.mergeDeployment(s);
                        return d.kernelArgs().toString();
                    });
            System.out.println(args);
            return 0;
        }
        return TransactionRunner.run(system, new TransactionRunner.DaemonCall("kargs", "a{sv}", system.daemonOptions().strings("append", append)
                .strings("replace", replace).strings("delete", delete).strings("append-if-missing", appendIfMissing)
                .strings("delete-if-present", deleteIfPresent).integer("deploy-index", deployIndex).described()),
                root -> new KernelArgsTransaction(TransactionRunner.initiator(), root, Optional.ofNullable(deployIndex), edit), unchangedExit77);
    }
}
