package org.aptostree.cli.system;

import java.util.List;

/** The system verbs, as rpm-ostree's, for registration by {@code Main}. */
public final class SystemVerbs {
    private SystemVerbs() {
    }

    public static final List<Class<?>> ALL = List.of(StatusCommand.class, InstallCommand.class, UninstallCommand.class,
            UpgradeCommand.class, RebaseCommand.class, DeployCommand.class, RollbackCommand.class, ResetCommand.class,
            OverrideCommand.class, KargsCommand.class, CleanupCommand.class, RefreshMdCommand.class, DbCommand.class,
            SearchCommand.class, InfoCommand.class, CancelCommand.class, DaemonCommands.Ping.class, DaemonCommands.Status.class);
}
