package org.aptostree.cli.compose;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.aptostree.cli.ostree.EncapsulateOptions;
import org.aptostree.ostree.repo.Repository;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** rpm-ostree's {@code compose container-encapsulate}: a commit to an image split by package. */
@Command(name = "container-encapsulate", mixinStandardHelpOptions = true,
        description = "Export a commit as a container image, one layer per Debian source package.")
final class ComposeContainerEncapsulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--repo", required = true, paramLabel = "REPO", description = "The OSTree repository.")
    Path repo;

    @Mixin
    EncapsulateOptions options;

    @Parameters(index = "0", paramLabel = "OSTREE_REF")
    String rev;

    @Parameters(index = "1", paramLabel = "IMGREF", description = "oci:DIR[:TAG], oci-archive:FILE[:TAG], docker://HOST/NAME:TAG or registry:HOST/NAME:TAG")
    String dest;

    @Override
    public Integer call() throws Exception {
        options.run(Repository.open(repo), rev, dest, spec.commandLine().getOut());
        return 0;
    }
}
