package org.aptostree.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import java.util.stream.Stream;

import org.aptostree.ostree.sysroot.EffectiveUser;

/**
 * The workload the build runs, under {@code -XX:ArchiveClassesAtExit}, to make the class-data-sharing archives
 * the launcher maps at every start. A command then finds its classes parsed and verified already instead of
 * reading them from the jars. An archive holds what its run loads (JDK classes included), and the classes that
 * run cannot reach (see {@link #preloadProjectClasses}). There are two:
 * <ul>
 * <li>the system verbs' ({@code --system}): the rpm-ostree verbs as a layering, a status and an uninstall run
 * them, and the D-Bus client, whose daemon the training has none of;
 * <li>the other commands': the repository and deployment commands, the groups' help and the system verbs too
 * (with JSON output, which loads Jackson's databind), and every class of the command-line jar.
 * </ul>
 * The JVM relocates the whole archive it maps at every start, so a layering is faster with an archive of its own,
 * two thirds of the size of one for every command (13 MB against 21 MB: an install of less took 43 ms less).
 *
 * <p>Usage: {@code StartupTraining [--system] WORKDIR [SAMPLE]}: WORKDIR is deleted and recreated; SAMPLE, when
 * given, is where fixtures' {@code SampleRepository} wrote a signed APT repository ({@code repository/}) and its key
 * ({@code key.gpg}), which the training's deployment lists as its APT source, to resolve and download a layering from.
 */
final class StartupTraining {
    private StartupTraining() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--unsign")) {
            unsignJars(Path.of(args[1]));
            return;
        }
        boolean system = args.length > 0 && args[0].equals("--system");
        int first = system ? 1 : 0;
        Path work = Path.of(args[first]).toAbsolutePath();
        Optional<Path> sample = args.length > first + 1 ? Optional.of(Path.of(args[first + 1]).toAbsolutePath()) : Optional.empty();
        removeTree(work);
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8));
        try {
            runCommands(work, sample, system);
        } finally {
            System.setOut(out);
            removeTree(work);
        }
        int loaded = preloadProjectClasses(system);
        out.println("startup training" + (system ? " of the system verbs" : "") + ": commands ran, " + loaded + " project classes loaded");
    }

    private static void runCommands(Path work, Optional<Path> sample, boolean systemOnly) throws IOException {
        Path tree = work.resolve("tree");
        writeTree(tree);
        boolean sandboxed = false;
        if (sample.isPresent()) {
            writeAptSystem(tree, sample.get());
            sandboxed = writeShell(tree);
        }
        String repo = "--repo=" + work.resolve("repo");
        String archive = "--repo=" + work.resolve("archive");
        String sysroot = "--sysroot=" + work.resolve("sysroot");
        run("ostree", repo, "init", "--mode=bare-user");
        run("ostree", repo, "commit", "-b", "training", "--tree=dir=" + tree, "-s", "training",
                "--add-metadata-string=version=1", "--timestamp=@0");
        if (!systemOnly) {
            runRepositoryCommands(work, repo, archive);
        }
        run("ostree", "admin", "init-fs", "--modern", work.resolve("sysroot").toString());
        run("ostree", "admin", sysroot, "os-init", "training");
        run("ostree", "--repo=" + work.resolve("sysroot/ostree/repo"), "pull-local", work.resolve("repo").toString(), "training");
        run("ostree", "admin", sysroot, "deploy", "--os=training", "training");
        if (!systemOnly) {
            run("ostree", "admin", sysroot, "status");
        }
        if (sample.isPresent()) {
            runSystemVerbs(sysroot, sandboxed);
            if (!systemOnly) {
                // JSON output maps the general archive: Jackson's ObjectMapper is ~370 classes (~5 MB of archive).
                run("status", "--direct", "--json", sysroot);
            }
        }
        if (!systemOnly) {
            run("ostree", "admin", sysroot, "cleanup");
            for (String group : Main.groupNames()) {
                run(group, "--help");
            }
            // The start-up line of bench/daemon.sh's split: without it, its classes came from the jars and it ran
            // longer than a whole daemon-ping.
            run("--version");
        }
        checkSignatures();
    }

    /** The repository commands: reading, checking out, pruning, and the container verbs. */
    private static void runRepositoryCommands(Path work, String repo, String archive) {
        run("ostree", repo, "ls", "-R", "training");
        run("ostree", repo, "show", "training");
        run("ostree", repo, "log", "training");
        run("ostree", repo, "refs");
        run("ostree", repo, "rev-parse", "training");
        run("ostree", repo, "cat", "training", "/usr/lib/os-release");
        run("ostree", repo, "checkout", "-U", "training", work.resolve("checkout").toString());
        run("ostree", repo, "fsck");
        run("ostree", repo, "summary", "-u");
        run("ostree", repo, "prune", "--refs-only");
        // The container verbs: an image written and read back (tar, gzip, OCI JSON and the layer import).
        String image = "oci-archive:" + work.resolve("image.ociarchive");
        run("ostree", repo, "container", "encapsulate", "--label=containers.bootc=1", "training", image);
        run("ostree", "--repo=" + work.resolve("imported"), "init", "--mode=bare-user");
        run("ostree", "--repo=" + work.resolve("imported"), "container", "unencapsulate", image);
        run("ostree", archive, "init", "--mode=archive");
        run("ostree", archive, "pull-local", work.resolve("repo").toString(), "training");
        run("ostree", archive, "checkout", "-U", "training", work.resolve("checkout-archive").toString());
    }

    /** The system verbs on the training's deployment, as a host's admin runs them without apt-ostreed. */
    private static void runSystemVerbs(String sysroot, boolean sandboxed) {
        // A layering: the sources verified, the base's packages read, the solver run, the packages fetched and
        // checked; then, as root with a sandbox, unpacked, configured, committed and deployed, and taken out again.
        // An install of less then loads 79 classes outside the archive (lambda forms and proxies mostly), against
        // ~300 with no layering trained. In this process, not through a build machine's own apt-ostreed.
        run("install", "--direct", "--dry-run", SAMPLE_TOOL, sysroot);
        run("install", "--direct", "--download-only", SAMPLE_TOOL, sysroot);
        if (sandboxed) {
            try {
                run("install", "--direct", SAMPLE_TOOL, sysroot);
                run("status", "--direct", sysroot);
                run("uninstall", "--direct", SAMPLE_TOOL, sysroot);
            } catch (IllegalStateException e) {
                // A machine whose bubblewrap cannot make namespaces (a container without the privilege) still
                // builds; its archive covers the layering as far as the sandbox, and the tests check the rest.
                System.err.println("warning: " + e.getMessage() + "; the archive covers less of a layering");
            }
        }
        run("status", "--direct", sysroot);
    }

    /**
     * Signs and checks with the JDK's EdDSA and RSA, as the OpenPGP checks of APT indexes do through it: ~170 JDK
     * classes of its security providers that no other command of the training loads.
     */
    private static void checkSignatures() {
        try {
            byte[] data = "training".getBytes(StandardCharsets.UTF_8);
            for (String[] kind : List.of(new String[] {"Ed25519", "Ed25519"}, new String[] {"RSA", "SHA512withRSA"})) {
                java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance(kind[0]);
                if (kind[0].equals("RSA")) {
                    generator.initialize(1024);
                }
                java.security.KeyPair pair = generator.generateKeyPair();
                java.security.Signature signer = java.security.Signature.getInstance(kind[1]);
                signer.initSign(pair.getPrivate());
                signer.update(data);
                byte[] signature = signer.sign();
                java.security.Signature verifier = java.security.Signature.getInstance(kind[1]);
                verifier.initVerify(pair.getPublic());
                verifier.update(data);
                if (!verifier.verify(signature)) {
                    throw new IllegalStateException("startup training: a " + kind[1] + " signature did not verify");
                }
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("startup training: signing with the JDK's providers failed", e);
        }
    }

    /** What the tree's APT source offers: fixtures' SampleRepository (its TOOL, in its SUITE). */
    private static final String SAMPLE_TOOL = "sample-tool";
    private static final String SAMPLE_SUITE = "sample";

    /**
     * Makes the tree a Debian system to layer onto: a dpkg database with dpkg and libc6 (the sample's dependencies
     * outside itself) and the sample repository as its APT source, signed by its key.
     */
    private static void writeAptSystem(Path tree, Path sample) throws IOException {
        Path dpkg = Files.createDirectories(tree.resolve("usr/lib/sysimage/dpkg"));
        StringBuilder status = new StringBuilder();
        for (String name : List.of("dpkg", "libc6")) {
            status.append("Package: ").append(name).append("\nStatus: install ok installed\nPriority: required\nMaintainer: training\n"
                    + "Architecture: amd64\nVersion: 2.41-12\nDescription: training\n\n");
        }
        Files.writeString(dpkg.resolve("status"), status);
        Path apt = tree.resolve("usr/etc/apt");
        Files.createDirectories(apt.resolve("keyrings"));
        Files.createDirectories(apt.resolve("sources.list.d"));
        Files.copy(sample.resolve("key.gpg"), apt.resolve("keyrings/training.gpg"));
        Files.writeString(apt.resolve("sources.list.d/training.sources"), "Types: deb\nURIs: file:" + sample.resolve("repository")
                + "\nSuites: " + SAMPLE_SUITE + "\nComponents: main\nSigned-By: /etc/apt/keyrings/training.gpg\n");
    }

    /**
     * Gives the tree the host's shell, the libraries it links and a {@code dpkg} that has nothing to configure, where
     * the training runs as root (the layered commit keeps the packages' root ownership) and bubblewrap is installed:
     * then the training's layering runs all the way, its configure stage in the sandbox, its commit and its
     * deployment. Returns whether it did.
     */
    private static boolean writeShell(Path tree) throws IOException {
        if (!EffectiveUser.isRoot() || !onPath("bwrap")) {
            return false;
        }
        Path shell = Path.of("/bin/sh").toRealPath();
        Process ldd = new ProcessBuilder("ldd", shell.toString()).redirectErrorStream(true).start();
        String listing = new String(ldd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (ldd.waitFor() != 0) {
                throw new IOException("startup training: 'ldd " + shell + "' failed: " + listing);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        Path usr = tree.resolve("usr");
        for (String word : listing.trim().split("\\s+")) {
            if (!word.startsWith("/")) {
                continue;
            }
            // Merged /usr: /lib64/ld-linux-x86-64.so.2 is usr/lib64/ld-linux-x86-64.so.2, reached by the link lib64.
            boolean underUsr = word.startsWith("/usr/");
            Path target = tree.resolve(underUsr ? word.substring(1) : "usr" + word);
            Files.createDirectories(target.getParent());
            Files.copy(Path.of(word), target, StandardCopyOption.REPLACE_EXISTING);
            Path top = tree.resolve(word.substring(1, word.indexOf('/', 1)));
            if (!underUsr && !Files.exists(top, LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(top, Path.of("usr").resolve(top.getFileName()));
            }
        }
        Files.copy(shell, usr.resolve("bin/sh"));
        Path dpkg = usr.resolve("bin/dpkg");
        Files.writeString(dpkg, "#!/bin/sh\nexit 0\n");
        Files.setAttribute(dpkg, "unix:mode", 0755);
        return true;
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
    }

    private static void run(String... args) {
        int code = Main.execute(args);
        if (code != 0) {
            throw new IllegalStateException("startup training: 'apt-ostree " + String.join(" ", args) + "' exited with " + code);
        }
    }

    /** A small bootable tree: what a deployment needs (os-release, a kernel and initramfs) and each file type. */
    private static void writeTree(Path tree) throws IOException {
        Path modules = tree.resolve("usr/lib/modules/6.0.0-training");
        Files.createDirectories(modules);
        Files.createDirectories(tree.resolve("usr/etc"));
        Files.createDirectories(tree.resolve("usr/bin"));
        Random random = new Random(1);
        byte[] kernel = new byte[256 * 1024];
        random.nextBytes(kernel);
        Files.write(modules.resolve("vmlinuz"), kernel);
        Files.write(modules.resolve("initramfs.img"), kernel);
        Files.writeString(tree.resolve("usr/lib/os-release"), "ID=training\nPRETTY_NAME=\"Training\"\n");
        Files.writeString(tree.resolve("usr/etc/hostname"), "training\n");
        Path tool = tree.resolve("usr/bin/tool");
        Files.writeString(tool, "#!/bin/sh\n");
        Files.setAttribute(tool, "unix:mode", 0755);
        Files.createSymbolicLink(tree.resolve("bin"), Path.of("usr/bin"));
    }

    /**
     * Loads (without initializing) the classes a run of the training cannot reach: dbus-java's and our D-Bus
     * client's, since the system verbs are apt-ostreed's clients and the training has no bus to connect to; and the
     * command-line jar's, so that each verb's options and output are covered (for the system verbs' archive, their
     * own classes only). Not the other jars': their classes that the training does not load cost every command's
     * start-up more (the JVM relocates the whole archive when it maps it) than the rare command that loads them gains.
     */
    private static int preloadProjectClasses(boolean system) throws IOException {
        ClassLoader loader = StartupTraining.class.getClassLoader();
        int loaded = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            String prefix;
            if (name.startsWith("dbus-java-") || name.startsWith("slf4j-api-")) {
                prefix = "";
            } else if (name.equals("apt-ostree.jar")) {
                prefix = system ? "org/aptostree/cli/system/" : "";
            } else if (name.startsWith("daemon-")) {
                prefix = "org/aptostree/daemon/dbus/";
            } else {
                continue;
            }
            try (JarFile jar = new JarFile(entry)) {
                for (JarEntry e : (Iterable<JarEntry>) jar.stream()::iterator) {
                    String n = e.getName();
                    // Not a multi-release jar's classes for other Javas, under META-INF/versions.
                    if (n.startsWith(prefix) && n.endsWith(".class") && !n.endsWith("module-info.class") && !n.startsWith("META-INF/")) {
                        try {
                            Class.forName(n.substring(0, n.length() - ".class".length()).replace('/', '.'), false, loader);
                            loaded++;
                        } catch (ClassNotFoundException | LinkageError skipped) {
                            // A class whose optional dependency is absent is not needed at start-up either.
                        }
                    }
                }
            }
        }
        return loaded;
    }

    /**
     * Leaves out the signature files of the signed jars in {@code lib} (Bouncy Castle's), which the class-data-sharing
     * archive refuses: each command that checks a signature would otherwise read and verify ~330 of their classes,
     * and digest each against a 0.8 MB signature file, at every start (0.3 s and more). The manifest's per-entry
     * sections that hold only the signature's digests go too (the JDK parses the whole manifest when
     * it defines the jar's first package, 0.8 MB for bcprov). Run by the build before the training, on the launcher's
     * copies of the jars.
     */
    private static void unsignJars(Path lib) throws IOException {
        List<Path> jars;
        try (Stream<Path> s = Files.list(lib)) {
            jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        for (Path jar : jars) {
            boolean signed;
            try (JarFile zip = new JarFile(jar.toFile(), false)) {
                Manifest manifest = zip.getManifest();
                signed = zip.stream().anyMatch(e -> isSignatureFile(e.getName()))
                        || manifest != null && manifest.getEntries().values().stream().anyMatch(StartupTraining::onlyDigests);
            }
            if (!signed) {
                continue;
            }
            Path tmp = jar.resolveSibling("." + jar.getFileName() + ".tmp");
            try (ZipFile zip = new ZipFile(jar.toFile());
                    ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
                for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                    if (isSignatureFile(e.getName())) {
                        continue;
                    }
                    if (e.getName().equals(JarFile.MANIFEST_NAME)) {
                        Manifest manifest;
                        try (InputStream in = zip.getInputStream(e)) {
                            manifest = new Manifest(in);
                        }
                        manifest.getEntries().values().removeIf(StartupTraining::onlyDigests);
                        out.putNextEntry(new ZipEntry(e.getName()));
                        manifest.write(out);
                        out.closeEntry();
                        continue;
                    }
                    ZipEntry copy = new ZipEntry(e.getName());
                    copy.setTime(e.getTime());
                    out.putNextEntry(copy);
                    try (InputStream in = zip.getInputStream(e)) {
                        in.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
            Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Whether a manifest's entry section holds nothing but a signature's digests ({@code SHA-256-Digest}, ...). */
    private static boolean onlyDigests(java.util.jar.Attributes section) {
        return section.keySet().stream().allMatch(k -> k.toString().endsWith("-Digest"));
    }

    /** A jar signature's files: {@code META-INF/NAME.SF} and its signature block (.DSA, .RSA, .EC). */
    private static boolean isSignatureFile(String name) {
        return name.startsWith("META-INF/") && name.indexOf('/', "META-INF/".length()) < 0
                && (name.endsWith(".SF") || name.endsWith(".DSA") || name.endsWith(".RSA") || name.endsWith(".EC"));
    }

    /** Deletes a tree, first clearing the immutable flag a deployment made as root carries. */
    private static void removeTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            new ProcessBuilder("chattr", "-R", "-i", dir.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException e) {
            // No chattr: nothing can have set the flag either.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
