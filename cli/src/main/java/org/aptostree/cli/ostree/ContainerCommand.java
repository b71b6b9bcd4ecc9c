package org.aptostree.cli.ostree;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code apt-ostree ostree container}: ostree-ext's verbs for OSTree commits as container images. */
@Command(name = "container", mixinStandardHelpOptions = true,
        description = "Export OSTree commits as container images and import them (ostree-ext's format).",
        subcommands = {ContainerCommand.Encapsulate.class})
final class ContainerCommand {
    @ParentCommand
    OstreeCommand ostree;

    /** {@code encapsulate REV DEST}. */
    @Command(name = "encapsulate", aliases = "export", mixinStandardHelpOptions = true,
            description = {"Export a commit as a container image: DEST is oci:DIR[:TAG], oci-archive:FILE[:TAG] or docker://HOST/NAME:TAG.",
                "The image is split into one layer per Debian source package when the commit has a dpkg database."})
    static final class Encapsulate implements Callable<Integer> {
        @ParentCommand
        ContainerCommand container;

        @Spec
        CommandSpec spec;

        @Mixin
        EncapsulateOptions options;

        @Parameters(index = "0", paramLabel = "REV", description = "The ref or commit to export.")
        String rev;

        @Parameters(index = "1", paramLabel = "DEST", description = "Where to write the image.")
        String dest;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            options.run(container.ostree.open(), rev, dest, out);
            return 0;
        }
    }
}
