package org.aptostree.cli.ex;

import picocli.CommandLine.Command;

/** The {@code apt-ostree ex} command group. */
@Command(name = "ex", mixinStandardHelpOptions = true,
        description = "Experimental commands (solver).",
        subcommands = {SolveCommand.class, EdspCommand.class, DistcheckCommand.class})
public final class ExCommand {
}
