package org.aptostree.cli.compose;

import picocli.CommandLine.Command;

/** The {@code apt-ostree compose} command group. */
@Command(name = "compose", mixinStandardHelpOptions = true,
        description = "Build OSTree commits from Debian packages.",
        subcommands = {ComposeTreeCommand.class, ComposeContainerEncapsulateCommand.class, ComposeImageCommand.class})
public final class ComposeCommand {
}
