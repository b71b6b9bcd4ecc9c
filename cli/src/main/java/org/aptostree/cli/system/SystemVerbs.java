package org.aptostree.cli.system;

import java.util.List;
import java.util.Optional;

import picocli.CommandLine.Command;

/** The system verbs, as rpm-ostree's, for registration by {@code Main}. */
public final class SystemVerbs {
    private SystemVerbs() {
    }

    public static final List<Class<?>> ALL = List.of(StatusCommand.class, InstallCommand.class, UninstallCommand.class,
            UpgradeCommand.class, RebaseCommand.class, DeployCommand.class, RollbackCommand.class, ResetCommand.class,
            OverrideCommand.class, KargsCommand.class, CleanupCommand.class, RefreshMdCommand.class, DbCommand.class,
            SearchCommand.class, InfoCommand.class, CancelCommand.class, DaemonCommands.Ping.class, DaemonCommands.Status.class);

    /**
     * Before the command line is parsed: when it names a system verb, which asks apt-ostreed first, the connection to
     * the bus starts now, beside the parsing. Not for {@code --direct}, help or version, which need no daemon.
     */
    public static void startConnecting(String verb, List<String> args) {
        if (args.stream().noneMatch(a -> a.equals("--direct") || a.equals("-h") || a.equals("--help") || a.equals("-V")
                || a.equals("--version")) && named(verb).isPresent()) {
            DaemonClient.connectEarly();
        }
    }

    /** The system verb called {@code name}, if there is one. */
    public static Optional<Class<?>> named(String name) {
        return ALL.stream().filter(v -> v.getAnnotation(Command.class).name().equals(name)).findFirst();
    }

    /** After the command: closes the connection {@link #startConnecting} made if the verb did not take it. */
    public static void stopConnecting() {
        DaemonClient.discardEarly();
    }
}
