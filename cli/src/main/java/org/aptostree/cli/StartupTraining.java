package org.aptostree.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The workload the build runs once, under {@code -XX:ArchiveClassesAtExit}, to make the class-data-sharing
 * archive the launcher maps at every start. A command then finds its classes parsed and verified already
 * instead of reading them from the jars. The archive holds what this run loads: the classes of the common
 * repository and deployment commands as they really run (JDK classes included), and every class of the
 * project's own jars, so commands the workload does not run are covered too.
 *
 * <p>Usage: {@code StartupTraining WORKDIR} (deleted and recreated).
 */
final class StartupTraining {
    private StartupTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]).toAbsolutePath();
        removeTree(work);
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8));
        try {
            runCommands(work);
        } finally {
            System.setOut(out);
            removeTree(work);
        }
        int loaded = preloadProjectClasses();
        out.println("startup training: commands ran, " + loaded + " project classes loaded");
    }

    private static void runCommands(Path work) throws IOException {
        Path tree = work.resolve("tree");
        writeTree(tree);
        String repo = "--repo=" + work.resolve("repo");
        String archive = "--repo=" + work.resolve("archive");
        String sysroot = "--sysroot=" + work.resolve("sysroot");
        run("ostree", repo, "init", "--mode=bare-user");
        run("ostree", repo, "commit", "-b", "training", "--tree=dir=" + tree, "-s", "training",
                "--add-metadata-string=version=1", "--timestamp=@0");
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
        run("ostree", "admin", "init-fs", "--modern", work.resolve("sysroot").toString());
        run("ostree", "admin", sysroot, "os-init", "training");
        run("ostree", "--repo=" + work.resolve("sysroot/ostree/repo"), "pull-local", work.resolve("repo").toString(), "training");
        run("ostree", "admin", sysroot, "deploy", "--os=training", "training");
        run("ostree", "admin", sysroot, "status");
        run("ostree", "admin", sysroot, "cleanup");
        for (String group : List.of("ostree", "deb", "ex", "compose")) {
            run(group, "--help");
        }
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

    /** Loads (without initializing) every class of the launcher's jar and of the project's module jars. */
    private static int preloadProjectClasses() throws IOException {
        ClassLoader loader = StartupTraining.class.getClassLoader();
        int loaded = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            // dbus-java too: the system verbs connect to apt-ostreed, and the training has no bus to connect to.
            boolean ours = name.equals("apt-ostree.jar") || Stream.of("ostree-java-", "deb-java-", "solver-", "daemon-", "dbus-java-", "slf4j-api-")
                    .anyMatch(name::startsWith);
            if (!ours) {
                continue;
            }
            try (JarFile jar = new JarFile(entry)) {
                for (JarEntry e : (Iterable<JarEntry>) jar.stream()::iterator) {
                    String n = e.getName();
                    if (n.endsWith(".class") && !n.endsWith("module-info.class")) {
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
