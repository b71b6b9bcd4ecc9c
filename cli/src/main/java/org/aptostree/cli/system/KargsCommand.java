package org.aptostree.cli.system;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.aptostree.daemon.system.SystemRoot;
import org.aptostree.daemon.transaction.KernelArgsTransaction;
import org.aptostree.daemon.transaction.TransactionException;
import org.aptostree.ostree.sysroot.Deployment;
import org.aptostree.ostree.sysroot.KernelArgs;
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
        try {
            SystemRoot root = system.open();
            if (append.isEmpty() && replace.isEmpty() && delete.isEmpty() && appendIfMissing.isEmpty() && deleteIfPresent.isEmpty()) {
                Sysroot s = root.load();
                Deployment d = deployIndex != null ? s.deployments().get(deployIndex) : root.mergeDeployment(s);
                System.out.println(d.kernelArgs());
                return 0;
            }
            return TransactionRunner.run(root, new KernelArgsTransaction(TransactionRunner.initiator(), root,
                    Optional.ofNullable(deployIndex), this::edit), unchangedExit77);
        } catch (TransactionException e) {
            throw TransactionRunner.failure(e);
        }
    }

    private KernelArgs edit(KernelArgs k) {
        for (String a : delete) {
            k = k.delete(a);
        }
        for (String a : deleteIfPresent) {
            if (k.args().contains(a) || !a.contains("=") && k.value(a).isPresent()) {
                k = k.delete(a);
            }
        }
        for (String a : replace) {
            k = k.replace(a);
        }
        for (String a : append) {
            k = k.append(a);
        }
        for (String a : appendIfMissing) {
            if (!k.args().contains(a)) {
                k = k.append(a);
            }
        }
        return k;
    }
}
