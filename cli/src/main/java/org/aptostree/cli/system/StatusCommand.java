package org.aptostree.cli.system;

import java.util.concurrent.Callable;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.daemon.system.AutomaticUpdatePolicy;
import org.aptostree.daemon.system.SystemStatus;
import org.aptostree.daemon.system.StatusJson;
import org.aptostree.daemon.system.StatusText;
import org.aptostree.daemon.system.SystemRoot;
import org.aptostree.daemon.transaction.TransactionException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Get the version of the booted system.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    SystemOptions system = new SystemOptions();

    @Option(names = "-v", description = "Print additional fields (kernel arguments, deployment ids); so does --verbose")
    boolean verbose;

    @ParentCommand
    org.aptostree.cli.Main main;

    @Option(names = "--json", description = "Output JSON")
    boolean json;

    @Option(names = {"-b", "--booted"}, description = "Only print the booted deployment")
    boolean booted;

    @Option(names = "--pending-exit-77", description = "If a pending deployment is available, exit 77")
    boolean pendingExit77;

    @Override
    public Integer call() {
        try {
            SystemRoot root = system.open();
            SystemStatus status = SystemStatus.read(root, AutomaticUpdatePolicy.read(root));
            if (json) {
                System.out.println(StatusJson.render(status, booted));
            } else {
                SystemStatus shown = booted ? new SystemStatus(status.booted().stream().toList(), status.transaction(),
                        status.automaticUpdatePolicy()) : status;
                System.out.print(StatusText.render(shown, verbose || main != null && main.verbose()));
            }
            return pendingExit77 && status.hasPending() ? 77 : 0;
        } catch (TransactionException e) {
            throw TransactionRunner.failure(e);
        }
    }
}
