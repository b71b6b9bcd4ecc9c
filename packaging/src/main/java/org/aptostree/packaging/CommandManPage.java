package org.aptostree.packaging;

import static org.aptostree.packaging.ManPage.bold;
import static org.aptostree.packaging.ManPage.code;
import static org.aptostree.packaging.ManPage.italic;
import static org.aptostree.packaging.ManPage.text;

import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * apt-ostree(8), written from the CLI's picocli model: every command of the tree in the order the model lists them,
 * each with its synopsis as {@code --help} prints it, its description, options and parameters. The options every
 * command inherits from the top (such as {@code --verbose}) are described once, under OPTIONS.
 */
final class CommandManPage {
    private CommandManPage() {
    }

    static String render(CommandLine model, String date, String source) {
        CommandSpec top = model.getCommandSpec();
        String name = top.name();
        ManPage page = new ManPage(name, 8, date, source, "System Administration");
        page.name(name, String.join(" ", top.usageMessage().description()).replaceAll("\\.$", ""));

        page.section("SYNOPSIS");
        page.markedParagraph(bold(name) + " " + italic("COMMAND") + " [" + italic("OPTIONS") + "] [" + italic("ARGUMENTS") + "]");

        page.section("DESCRIPTION");
        page.paragraph(name + " manages a Debian system whose operating system is an OSTree commit: the system is "
                + "replaced as a whole by a new deployment, which becomes the default at the next boot, and the previous "
                + "one stays to roll back to. The system commands follow rpm-ostree's, with its options and output; the "
                + "command groups serve image builders (compose), OSTree repositories and deployments (ostree, with the "
                + "ostree command's verbs), Debian packages (deb) and experiments (ex).");
        page.paragraph("The system commands act on the booted system, or on the sysroot given with --sysroot. They need an "
                + "OSTree system: elsewhere they fail, naming what is missing. Commands that change the system need root, "
                + "or polkit's permission when they are run through the apt-ostreed daemon.");

        page.section("COMMANDS");
        for (CommandLine command : distinct(top.subcommands().values())) {
            describe(page, command.getCommandSpec());
        }

        page.section("OPTIONS");
        page.paragraph("These options are taken by every command.");
        for (OptionSpec option : top.options()) {
            if (!option.hidden()) {
                page.tagged(tag(option), text(description(option)));
            }
        }

        page.section("EXIT STATUS");
        page.paragraph("0 on success; 1 when a command fails, with a one-line message on the standard error (and a stack "
                + "trace with --verbose); 2 when the command line is wrong; 77 where an option says so (--pending-exit-77, "
                + "--unchanged-exit-77).");

        page.section("FILES");
        page.tagged(bold("/etc/apt-ostree/apt-ostreed.conf"), text("The daemon's settings: see apt-ostreed.conf(5)."));
        page.tagged(bold("/var/lib/apt-ostree"), text("State shared by the deployments: the transaction lock and the "
                + "daemon's record of recent transactions. Removing the package, even purging it, keeps it."));
        page.tagged(bold("/var/cache/apt-ostree"), text("Downloaded package indexes and packages. Purging the package "
                + "deletes it."));
        page.tagged(bold("/run/ostree-booted"), text("Present when the running system was booted from an OSTree "
                + "deployment."));

        page.section("SEE ALSO");
        page.markedParagraph(bold("apt-ostreed") + "(8), " + bold("apt-ostreed.conf") + "(5), " + bold("ostree") + "(1), "
                + bold("rpm-ostree") + "(1), " + bold("dpkg") + "(1)");
        return page.troff();
    }

    /** A command, then its subcommands, depth first. */
    private static void describe(ManPage page, CommandSpec spec) {
        if (spec.usageMessage().hidden()) {
            return;
        }
        String title = spec.qualifiedName(" ");
        if (spec.aliases().length > 0) {
            title += " (also " + String.join(", ", spec.aliases()) + ")";
        }
        page.subsection(title);
        page.markedParagraph(code(synopsis(spec)));
        page.paragraph(String.join(" ", spec.usageMessage().description()));
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (!p.hidden()) {
                page.tagged(italic(p.paramLabel()), text(description(p)));
            }
        }
        for (OptionSpec option : spec.options()) {
            if (!option.hidden() && !option.inherited() && !option.usageHelp() && !option.versionHelp()) {
                page.tagged(tag(option), text(description(option)));
            }
        }
        for (CommandLine sub : distinct(spec.subcommands().values())) {
            describe(page, sub.getCommandSpec());
        }
    }

    /** The subcommands once each: picocli maps every alias to its command too. */
    private static java.util.Collection<CommandLine> distinct(java.util.Collection<CommandLine> commands) {
        java.util.Set<CommandLine> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        return commands.stream().filter(seen::add).toList();
    }

    /** The synopsis {@code --help} prints, on one line. */
    static String synopsis(CommandSpec spec) {
        CommandLine.Help help = new CommandLine.Help(spec, CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        return help.synopsis(0).strip().replaceAll("\\s+", " ");
    }

    private static String tag(OptionSpec option) {
        List<String> names = new ArrayList<>();
        for (String n : option.names()) {
            names.add(bold(n));
        }
        String tag = String.join(", ", names);
        if (option.arity().max() > 0 && !option.paramLabel().isEmpty()) {
            tag += "=" + italic(option.paramLabel());
        }
        return tag;
    }

    private static String description(ArgSpec arg) {
        return String.join(" ", arg.description());
    }
}
