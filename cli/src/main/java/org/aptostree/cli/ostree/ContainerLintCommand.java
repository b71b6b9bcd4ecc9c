package org.aptostree.cli.ostree;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.ostree.container.ImageLint;
import org.aptostree.ostree.container.ImageStore;
import org.aptostree.ostree.container.OstreeImageReference;
import org.aptostree.ostree.repo.RepoMode;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.sysroot.EffectiveUser;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code apt-ostree ostree container lint [IMAGE | --rootfs DIR]}: bootc's {@code container lint} rules on an image
 * (pulled into a scratch repository) or on a directory tree, with its output: one line per finding, then the counts;
 * fatal findings (and warnings with {@code --fatal-warnings}) make it fail.
 */
@Command(name = "lint", mixinStandardHelpOptions = true,
        description = "Check an image or a root file system against bootc's rules for bootable images.")
final class ContainerLintCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "IMAGE",
            description = "An image: oci:DIR, oci-archive:FILE, docker://HOST/NAME:TAG or an ostree-… reference")
    String image;

    @Option(names = "--rootfs", paramLabel = "DIR", description = "Check this directory tree instead (default: /)")
    Path rootfs;

    @Option(names = "--fatal-warnings", description = "Make warnings fatal")
    boolean fatalWarnings;

    @Option(names = "--skip", paramLabel = "LINT", description = "Skip this lint (repeatable)")
    List<String> skip = new ArrayList<>();

    @Option(names = "--authfile", paramLabel = "FILE", description = "Registry credentials (containers auth.json format)")
    Path authfile;

    @Override
    public Integer call() throws Exception {
        if (image != null && rootfs != null) {
            throw new ExitCodeException(1, "give an IMAGE or --rootfs, not both");
        }
        ImageLint.Report report;
        if (image == null) {
            report = ImageLint.lint(ImageLint.directory(rootfs != null ? rootfs : Path.of("/")), Optional.empty(), new HashSet<>(skip));
        } else {
            OstreeImageReference ref = OstreeImageReference.parse(image);
            Path scratch = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "apt-ostree-lint");
            try {
                // Without root, an archive repository needs nothing of the file system (bare-user needs user xattrs).
                boolean root = EffectiveUser.isRoot();
                Repository repo = Repository.init(scratch.resolve("repo"), root ? RepoMode.BARE_USER : RepoMode.ARCHIVE);
                repo.config().set("core", "fsync", "false");
                repo.writeConfig();
                ImageStore.Pulled p = ImageStore.pull(repo, ref, authfile, ImageStore.Options.defaults());
                report = ImageLint.lint(ImageLint.commit(repo, p.state().mergeCommit()), Optional.of(p.state().config().labels()),
                        new HashSet<>(skip));
            } finally {
                new ProcessBuilder("rm", "-rf", scratch.toString()).inheritIO().start().waitFor();
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        report.findings().forEach(out::println);
        out.println("Checks passed: " + report.passed());
        if (!skip.isEmpty()) {
            out.println("Checks skipped: " + skip.size());
        }
        if (report.warnings() > 0) {
            out.println("Warnings: " + report.warnings());
        }
        out.flush();
        long failed = report.fatal() + (fatalWarnings ? report.warnings() : 0);
        if (failed > 0) {
            throw new ExitCodeException(1, "Checks failed: " + failed);
        }
        return 0;
    }
}
