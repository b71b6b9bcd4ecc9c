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
        subcommands = {ContainerCommand.Encapsulate.class, ContainerCommand.Unencapsulate.class, ContainerImageCommand.class,
            ContainerLintCommand.class})
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

    /** {@code unencapsulate IMGREF}: the image's commit into the repository, exactly as it was exported. */
    @Command(name = "unencapsulate", aliases = "import", mixinStandardHelpOptions = true,
            description = "Import the OSTree commit of an encapsulated image (ostree-unverified-image:oci:DIR, oci-archive:FILE, ostree-unverified-registry:HOST/NAME:TAG).")
    static final class Unencapsulate implements Callable<Integer> {
        @ParentCommand
        ContainerCommand container;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "IMGREF")
        String imgref;

        @picocli.CommandLine.Option(names = "--write-ref", paramLabel = "REF", description = "Point this ref at the imported commit.")
        String writeRef;

        @picocli.CommandLine.Option(names = "--authfile", paramLabel = "FILE", description = "Registry credentials (containers auth.json format).")
        java.nio.file.Path authfile;

        @picocli.CommandLine.Option(names = "--quiet", description = "Print no progress.")
        boolean quiet;

        @Override
        public Integer call() throws Exception {
            org.aptostree.ostree.repo.Repository repo = container.ostree.open();
            org.aptostree.ostree.container.OstreeImageReference ref = org.aptostree.ostree.container.OstreeImageReference.parse(imgref);
            try (org.aptostree.ostree.oci.ImageSource source = org.aptostree.ostree.oci.ImageSource.open(ref.image(),
                    repo.path().resolve("tmp"), authfile)) {
                org.aptostree.ostree.container.ImageImporter.Unencapsulated u =
                        org.aptostree.ostree.container.ImageImporter.unencapsulate(repo, ref, source);
                PrintWriter out = spec.commandLine().getOut();
                if (writeRef != null) {
                    repo.refs().set(writeRef, u.commit());
                    out.println("Imported: " + writeRef + " => " + u.commit());
                } else {
                    out.println("Imported: " + u.commit());
                }
                out.flush();
            }
            return 0;
        }
    }
}
