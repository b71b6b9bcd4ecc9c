package org.aptostree.cli.system;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.aptostree.daemon.dbus.Values;
import org.aptostree.daemon.system.StatusJson;
import org.aptostree.daemon.system.StatusOutput;
import org.aptostree.daemon.system.SystemStatus;
import org.freedesktop.dbus.types.Variant;

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
        String text = TransactionRunner.query(system, d -> (String) d.os("show_status", "a{sv}", system.daemonOptions().flag("json", json)
                .flag("verbose", verbose()).flag("booted", booted).map())[0],
                root -> StatusOutput.render(SystemStatus.read(root), json, verbose(), booted));
        System.out.print(text);
        System.out.flush();
        return pendingExit77 && pending() ? 77 : 0;
    }

    private boolean verbose() {
        return verbose || main != null && main.verbose();
    }

    /**
     * Whether a deployment waits to be booted (staged, or a default that is not the booted one), from the
     * deployments as the Sysroot's Deployments property and {@code --json} give them, both ways.
     */
    private boolean pending() {
        List<Map<String, Object>> deployments = TransactionRunner.query(system, d -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Object o : Values.list(d.property(DaemonClient.SYSROOT_PATH, DaemonClient.SYSROOT_INTERFACE, "Deployments"))) {
                Map<String, Object> m = new HashMap<>();
                ((Map<?, ?>) o).forEach((k, v) -> m.put((String) k, ((Variant<?>) v).getValue()));
                out.add(m);
            }
            return out;
        }, root -> SystemStatus.read(root).deployments().stream().map(StatusJson::deployment).toList());
        boolean staged = deployments.stream().anyMatch(m -> Boolean.TRUE.equals(m.get("staged")));
        boolean booted = deployments.stream().anyMatch(m -> Boolean.TRUE.equals(m.get("booted")));
        return staged || booted && !Boolean.TRUE.equals(deployments.get(0).get("booted"));
    }
}
