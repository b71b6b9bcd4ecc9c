package org.aptostree.cli.ostree;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.ostree.container.ImageStore;
import org.aptostree.ostree.container.OstreeImageReference;
import org.aptostree.ostree.oci.Descriptor;
import org.aptostree.ostree.oci.ImageReference;
import org.aptostree.ostree.oci.ImageSource;
import org.aptostree.ostree.oci.Platform;
import org.aptostree.ostree.repo.AtomicFile;
import org.aptostree.ostree.repo.KeyFile;
import org.aptostree.ostree.repo.Prune;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.sysroot.Deployer;
import org.aptostree.ostree.sysroot.Deployment;
import org.aptostree.ostree.sysroot.KernelArgs;
import org.aptostree.ostree.sysroot.Sysroot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code apt-ostree ostree container image}: ostree-ext's verbs for images stored in a repository as layer commits
 * and a merge commit ({@code list}, {@code pull}, {@code history}, {@code metadata}, {@code remove},
 * {@code prune-layers}, {@code prune-images}, {@code deploy}), with its options and its output.
 */
@Command(name = "image", mixinStandardHelpOptions = true, description = "Commands for working with container images stored in a repository.",
        subcommands = {ContainerImageCommand.ListImages.class, ContainerImageCommand.Pull.class, ContainerImageCommand.History.class,
            ContainerImageCommand.Metadata.class, ContainerImageCommand.Remove.class, ContainerImageCommand.PruneLayers.class,
            ContainerImageCommand.PruneImages.class, ContainerImageCommand.Deploy.class})
final class ContainerImageCommand {
    @ParentCommand
    ContainerCommand container;

    private ContainerImageCommand() {
    }

    /** The repository of {@code ostree --repo} (inherited by these verbs, as ostree-ext's {@code --repo}). */
    Repository repository() throws java.io.IOException, org.aptostree.ostree.OstreeFormatException {
        return container.ostree.open();
    }

    private static ImageReference baseImage(String s) {
        // ostree-ext's parse_base_imgref: a plain image reference; the ostree- forms name the same image.
        return s.startsWith("ostree-") ? OstreeImageReference.parse(s).image() : ImageReference.parse(s);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List container images.")
    static final class ListImages implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        ContainerImageCommand group;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            ImageStore.list(group.repository()).forEach(out::println);
            out.flush();
            return 0;
        }
    }

    @Command(name = "pull", mixinStandardHelpOptions = true, description = "Pull (or update) a container image.")
    static final class Pull implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "REPO", description = "Path to the repository")
        Path repo;

        @Parameters(index = "1", paramLabel = "IMGREF",
                description = "Image reference, e.g. ostree-unverified-registry:HOST/NAME:TAG or ostree-remote-image:REMOTE:docker://HOST/NAME")
        String imgref;

        @Option(names = "--ostree-digestfile", paramLabel = "FILE", description = "File to which to write the resulting OSTree commit digest")
        Path digestFile;

        @Option(names = "--authfile", paramLabel = "FILE", description = "Registry credentials (containers auth.json format)")
        Path authfile;

        @Option(names = "--quiet", description = "Don't display progress")
        boolean quiet;

        @Option(names = "--check", paramLabel = "FILE",
                description = "Only check for an updated manifest; if there is one, write it to FILE and fetch no layers")
        Path check;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Repository r = Repository.open(repo);
            OstreeImageReference ref = OstreeImageReference.parse(imgref);
            try (ImageSource source = ImageSource.open(ref.image(), r.path().resolve("tmp"), authfile)) {
                if (check != null) {
                    ImageSource.Fetched m = source.manifest(Platform.host());
                    Optional<ImageStore.ImageState> stored = ImageStore.query(r, ref.image());
                    if (stored.isPresent() && stored.get().manifestDigest().equals(m.digest())) {
                        out.println("No changes in " + ref + " => " + stored.get().mergeCommit());
                    } else {
                        AtomicFile.write(check.toAbsolutePath(), m.manifest().canonicalBytes());
                        out.println("Update available for " + ref + ": " + m.digest());
                    }
                    out.flush();
                    return 0;
                }
                ImageStore.Options options = ImageStore.Options.defaults().withLog(quiet ? m -> { } : m -> {
                    out.println(m);
                    out.flush();
                });
                ImageStore.Pulled p = ImageStore.pull(r, ref, source, options);
                String merge = p.state().mergeCommit().hex();
                if (!p.changed()) {
                    out.println("No changes in " + ref + " => " + merge);
                } else {
                    p.filteredWarning().ifPresent(w -> {
                        err.println(w);
                        err.flush();
                    });
                    if (!p.signers().isEmpty()) {
                        out.println("Signature by " + String.join(", ", p.signers()) + " is good");
                    }
                    out.println("Wrote: " + ref + " => " + merge);
                }
                if (digestFile != null) {
                    AtomicFile.write(digestFile.toAbsolutePath(), merge.getBytes(StandardCharsets.UTF_8));
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true, description = "Output the layers of a stored container image.")
    static final class History implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        ContainerImageCommand group;

        @Parameters(index = "0", paramLabel = "IMGREF", description = "Container image reference, e.g. registry:HOST/NAME:TAG")
        String imgref;

        @Override
        public Integer call() throws Exception {
            ImageReference image = baseImage(imgref);
            ImageStore.ImageState s = ImageStore.query(group.repository(), image)
                    .orElseThrow(() -> new ExitCodeException(1, "No such image: " + image));
            JsonNode history = new ObjectMapper().readTree(s.config().canonicalBytes()).path("history");
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-20s  %-10s  %s%n", "ID", "SIZE", "CREATED BY");
            List<Descriptor> layers = s.manifest().layers();
            for (int i = 0; i < layers.size(); i++) {
                Descriptor d = layers.get(i);
                String createdBy = history.path(i).path("created_by").asText("");
                out.printf("%-20s  %-10s  %s%n", d.digest().hex().substring(0, 20), d.size(), createdBy);
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "metadata", mixinStandardHelpOptions = true, description = "Output the manifest or configuration of a stored container image.")
    static final class Metadata implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        ContainerImageCommand group;

        @Option(names = "--config", description = "Output the config, not the manifest")
        boolean config;

        @Parameters(index = "0", paramLabel = "IMGREF")
        String imgref;

        @Override
        public Integer call() throws Exception {
            ImageReference image = baseImage(imgref);
            ImageStore.ImageState s = ImageStore.query(group.repository(), image)
                    .orElseThrow(() -> new ExitCodeException(1, "No such image: " + image));
            PrintWriter out = spec.commandLine().getOut();
            out.print(new String(config ? s.config().canonicalBytes() : s.manifest().canonicalBytes(), StandardCharsets.UTF_8));
            out.flush();
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Unreference one or more pulled container images and garbage-collect their layers.")
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        ContainerImageCommand group;

        @Option(names = "--skip-gc", description = "Do not garbage collect unused layers")
        boolean skipGc;

        @Parameters(index = "0", arity = "1..*", paramLabel = "IMGREF")
        List<String> imgrefs;

        @Override
        public Integer call() throws Exception {
            Repository r = group.repository();
            List<String> missing = new ArrayList<>();
            for (String s : imgrefs) {
                ImageReference image = baseImage(s);
                if (!ImageStore.remove(r, image)) {
                    missing.add(image.toString());
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            if (!skipGc) {
                out.println("Removed images: " + (imgrefs.size() - missing.size()) + " layers: " + ImageStore.pruneLayers(r));
            } else {
                out.println("Removed images: " + (imgrefs.size() - missing.size()));
            }
            out.flush();
            if (!missing.isEmpty()) {
                throw new ExitCodeException(1, "Missing images: " + String.join(", ", missing));
            }
            return 0;
        }
    }

    @Command(name = "prune-layers", mixinStandardHelpOptions = true, description = "Garbage collect unreferenced image layer references.")
    static final class PruneLayers implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        ContainerImageCommand group;

        @Override
        public Integer call() throws Exception {
            int n = ImageStore.pruneLayers(group.repository());
            spec.commandLine().getOut().println("Removed layers: " + n);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** The images the deployments of a sysroot follow. */
    private static List<ImageReference> deployedImages(Sysroot sysroot) {
        List<ImageReference> out = new ArrayList<>();
        for (Deployment d : sysroot.deployments()) {
            if (d.origin() != null) {
                d.origin().get("origin", "container-image-reference").ifPresent(s -> out.add(OstreeImageReference.parse(s).image()));
            }
        }
        return out;
    }

    @Command(name = "prune-images", mixinStandardHelpOptions = true, description = "Remove the stored container images no deployment uses.")
    static final class PruneImages implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--sysroot", required = true, paramLabel = "PATH", description = "Path to the system root")
        Path sysroot;

        @Option(names = "--and-layers", description = "Also prune layers")
        boolean andLayers;

        @Option(names = "--full", description = "Also prune layers and OSTree objects")
        boolean full;

        @Override
        public Integer call() throws Exception {
            if (andLayers && full) {
                throw new ExitCodeException(1, "--and-layers and --full cannot be used together");
            }
            Sysroot s = Sysroot.load(sysroot);
            Repository repo = s.repo();
            List<String> removed = ImageStore.removeExcept(repo, deployedImages(s));
            PrintWriter out = spec.commandLine().getOut();
            if (full) {
                int layers = ImageStore.pruneLayers(repo);
                Prune.Result pruned = new Prune(repo).refsOnly(true).depth(0).run();
                if (removed.isEmpty() && layers == 0 && pruned.deletedObjects() == 0) {
                    out.println("No content was pruned.");
                } else {
                    out.println("Removed images: " + removed.size());
                    out.println("Removed layers: " + layers);
                    out.println("Removed objects: " + pruned.deletedObjects());
                    out.println("Freed: " + pruned.freedBytes() + " bytes");
                }
            } else if (removed.isEmpty()) {
                out.println("No unreferenced images.");
            } else {
                removed.forEach(i -> out.println("Removed: " + i));
                if (andLayers) {
                    out.println("Removed layers: " + ImageStore.pruneLayers(repo));
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "deploy", mixinStandardHelpOptions = true, description = "Perform initial deployment for a container image.")
    static final class Deploy implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--sysroot", paramLabel = "PATH", description = "Path to the system root (default /)")
        Path sysroot;

        @Option(names = "--stateroot", paramLabel = "NAME",
                description = "Name for the state directory (\"osname\"); default: the booted one, else \"default\"")
        String stateroot;

        @Option(names = "--imgref", paramLabel = "IMGREF", description = "Source image reference, e.g. ostree-unverified-registry:HOST/NAME:TAG")
        String imgref;

        @Option(names = "--image", paramLabel = "NAME", description = "Name of the container image (conflicts with --imgref)")
        String image;

        @Option(names = "--transport", paramLabel = "TRANSPORT", description = "The transport of --image: registry (default), oci, oci-archive")
        String transport;

        @Option(names = "--ostree-remote", paramLabel = "REMOTE", description = "Verify the image's commit with this ostree remote's keys")
        String ostreeRemote;

        @Option(names = "--no-signature-verification", description = "Does nothing (ostree-ext's deprecated option)")
        boolean noSignatureVerification;

        @Option(names = "--target-imgref", paramLabel = "IMGREF", description = "The reference to write to the origin, for later updates")
        String targetImgref;

        @Option(names = "--no-imgref", description = "Write only the layer refs, not the image's")
        boolean noImgref;

        @Option(names = "--karg", paramLabel = "ARG", description = "Add a kernel argument")
        List<String> kargs;

        @Option(names = "--write-commitid-to", paramLabel = "FILE", description = "Write the deployed checksum to this file")
        Path writeCommitId;

        @Option(names = "--authfile", paramLabel = "FILE", description = "Registry credentials (containers auth.json format)")
        Path authfile;

        @Override
        public Integer call() throws Exception {
            if ((imgref == null) == (image == null)) {
                throw new ExitCodeException(1, "exactly one of --imgref and --image is required");
            }
            OstreeImageReference ref = imgref != null ? OstreeImageReference.parse(imgref)
                    : new OstreeImageReference(Optional.ofNullable(ostreeRemote), ImageReference.parse((transport == null
                            || transport.equals("registry") ? "registry" : transport) + ":" + image));
            Optional<OstreeImageReference> target = Optional.ofNullable(targetImgref).map(OstreeImageReference::parse);
            Path root = sysroot != null ? sysroot : Path.of("/");
            Sysroot s = Sysroot.load(root);
            String osname = stateroot != null ? stateroot : s.booted().map(Deployment::osname).orElse("default");
            Repository repo = s.repo();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ImageStore.Pulled p = ImageStore.pull(repo, ref, authfile, ImageStore.Options.defaults().withRequireBootable(true)
                    .withImageRef(!noImgref).withTarget(target.map(OstreeImageReference::image)).withLog(m -> {
                        out.println(m);
                        out.flush();
                    }));
            p.filteredWarning().ifPresent(w -> {
                err.println(w);
                err.flush();
            });
            // The image refs keep the pulled commit from a prune until it is deployed; the deployment is made under the lock.
            try (Deployer deployer = Deployer.lock(root, () -> err.println("Waiting for sysroot lock..."))) {
                if (!Files.isDirectory(root.resolve("ostree/deploy").resolve(osname))) {
                    deployer.osInit(osname);
                }
                KeyFile origin = KeyFile.parse("", "origin");
                origin.set("origin", "container-image-reference", target.orElse(ref).toString());
                Deployer.DeployOptions options = Deployer.DeployOptions.of(osname, origin).withStage(s.booted().isPresent());
                if (kargs != null) {
                    options = options.withKargs(k -> new KernelArgs(List.copyOf(kargs)));
                }
                deployer.deploy(p.state().mergeCommit(), options);
            }
            if (writeCommitId != null) {
                AtomicFile.write(writeCommitId.toAbsolutePath(), p.state().mergeCommit().hex().getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            return 0;
        }
    }
}
