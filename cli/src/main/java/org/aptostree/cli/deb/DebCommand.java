package org.aptostree.cli.deb;

import picocli.CommandLine.Command;

/** The {@code apt-ostree deb} command group. */
@Command(name = "deb", mixinStandardHelpOptions = true,
        description = "Inspect .deb packages and APT repositories, dpkg-style.",
        subcommands = {DebInfoCommand.class, DebContentsCommand.class, DebExtractCommand.class,
                DebCompareVersionsCommand.class, DebVerifyReleaseCommand.class, DebUnpackCommand.class})
public final class DebCommand {
}
