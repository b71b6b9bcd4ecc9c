package org.aptostree.cli.ostree;

import picocli.CommandLine.Command;

/** The {@code apt-ostree ostree} command group: the {@code ostree} CLI's verbs on a repository. */
@Command(name = "ostree", mixinStandardHelpOptions = true,
        description = "Operate on OSTree repositories, with the ostree CLI's verbs and options.",
        subcommands = {})
public final class OstreeCommand {
}
