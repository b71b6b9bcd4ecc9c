package org.aptostree.cli.system;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.aptostree.cli.InProcessCli;
import org.aptostree.fixtures.deb.DebBuilder;
import org.aptostree.fixtures.deb.RepositoryBuilder;
import org.aptostree.fixtures.deb.SigningKey;
import org.aptostree.fixtures.http.Nginx;

/**
 * A deployed host to run the system verbs on, made of real parts: a directory sysroot that follows a base served by
 * nginx with GPG-signed commits ({@code origin:debian/test/base}), with the signed APT repository of synthetic
 * packages on the same nginx configured in the deployment's {@code /etc/apt}, as an admin would. What is served is
 * made once per test JVM ({@link Served}); each fixture has a sysroot of its own.
 */
final class HostFixture implements AutoCloseable {
    static final String REF = "debian/test/base";
    static final String NEXT = "debian/test/next";
    static final String SMALL = "debian/test/small";
    static final String SMALL_NEXT = "debian/test/small-next";
    static final String REFSPEC = "origin:" + REF;

    final Path work;
    final Path sysroot;
    final Served served;

    private HostFixture(Path work, Served served) {
        this.work = work;
        this.sysroot = work.resolve("sysroot");
        this.served = served;
    }

    /**
     * What the hosts of a test JVM are served: two bases composed from the real trixie minbase (plus a stand-in
     * kernel and {@code trig-interest}, whose file trigger layered packages activate), {@code base} and a newer
     * {@code next} with {@code base-extra} too, and two smaller ones likewise ({@code small}, {@code small-next}:
     * the Essential set), in an archive repository with signed commits; and the signed APT repository. The refs of the ostree repository may be moved by tests ({@link #point}).
     */
    static final class Served {
        private static Served instance;

        final Path work;
        final Path repo;
        final int port;
        final String first;
        final String second;
        private final Nginx nginx;

        private Served(Path work, Path repo, int port, Nginx nginx, String first, String second) {
            this.work = work;
            this.repo = repo;
            this.port = port;
            this.nginx = nginx;
            this.first = first;
            this.second = second;
        }

        static synchronized Served get(Path mirror, Path keyring) throws Exception {
            if (instance == null) {
                instance = create(mirror, keyring);
                Runtime.getRuntime().addShutdownHook(new Thread(instance::stop));
            }
            return instance;
        }

        private static Served create(Path mirror, Path keyring) throws Exception {
            Path work = Files.createTempDirectory(Path.of("/var/tmp"), "served-host");
            Path root = Files.createDirectories(work.resolve("root"));
            SigningKey key = SigningKey.fromSeed(42);
            RepositoryBuilder apt = new RepositoryBuilder("stable", "amd64", key).date(Instant.now().minusSeconds(3600));
            syntheticPackages().forEach(d -> apt.add("main", d));
            apt.write(root.resolve("apt"));
            Files.write(work.resolve("apt-test.gpg"), key.publicKeyring());

            Path gpgHome = Files.createDirectories(work.resolve("gnupg"));
            Files.setAttribute(gpgHome, "unix:mode", 0700);
            run(List.of("gpg", "--homedir", gpgHome.toString(), "--batch", "--passphrase", "", "--quick-gen-key", "base@example.org",
                    "ed25519", "sign", "never"));
            String colons = run(List.of("gpg", "--homedir", gpgHome.toString(), "--with-colons", "--list-secret-keys"));
            String fpr = colons.lines().filter(l -> l.startsWith("fpr:")).findFirst().orElseThrow().split(":")[9];
            Files.write(work.resolve("base.pub.gpg"), runBytes(List.of("gpg", "--homedir", gpgHome.toString(), "--export", fpr)));

            Nginx nginx = Nginx.serve(root, work.resolve("nginx"));
            int port = nginx.port();
            try {
                Path repo = root.resolve("ostree");
                cli("ostree", "--repo=" + repo, "init", "--mode=archive");
                String source = "  \n  Types: deb\n  URIs: http://127.0.0.1:" + port + "/apt\n  Suites: stable\n  Components: main\n"
                        + "  Signed-By: " + work.resolve("apt-test.gpg") + "\n";
                String first = compose(work, repo, NEXT, "minbase", "trig-interest", source, mirror, keyring, gpgHome, fpr);
                String second = compose(work, repo, NEXT, "minbase", "trig-interest, base-extra", source, mirror, keyring, gpgHome, fpr);
                // A smaller base (the Essential set, which maintainer scripts may assume) for tests that repeat transactions.
                compose(work, repo, SMALL, "essential", "mawk", source, mirror, keyring, gpgHome, fpr);
                compose(work, repo, SMALL_NEXT, "essential", "mawk, base-extra", source, mirror, keyring, gpgHome, fpr);
                Served served = new Served(work, repo, port, nginx, first, second);
                served.point(REF, first);
                return served;
            } catch (Exception | Error e) {
                nginx.close();
                throw e;
            }
        }

        /** Composes minbase, a stand-in kernel and the extra packages onto {@code ref}, and signs the commit. */
        private static String compose(Path work, Path repo, String ref, String variant, String extraPackages, String extraSources,
                Path mirror, Path keyring, Path gpgHome, String gpgKey) throws Exception {
            Path treefile = work.resolve("base.yaml");
            Files.writeString(treefile, "ref: " + ref + "\nvariant: " + variant + "\npackages: [" + extraPackages + "]\nallow-unbootable: true\n"
                    + "postprocess:\n  - |\n    mkdir -p /usr/lib/modules/0.0.0-standin\n"
                    + "    echo 'stand-in kernel' > /usr/lib/modules/0.0.0-standin/vmlinuz\n"
                    + "    echo 'stand-in initramfs' > /usr/lib/modules/0.0.0-standin/initramfs.img\n"
                    + "sources: |\n  Types: deb\n  URIs: copy://" + mirror + "\n  Suites: trixie\n  Components: main\n  Signed-By: "
                    + keyring + "\n" + extraSources);
            Path id = work.resolve("commit-id");
            cli("compose", "tree", treefile.toString(), "--repo=" + repo, "--cachedir=" + work.resolve("cache"),
                    "--workdir=" + work.resolve("compose"), "--write-commitid-to=" + id);
            String commit = Files.readString(id).strip();
            run(List.of("ostree", "gpg-sign", "--repo=" + repo, "--gpg-homedir=" + gpgHome, commit, gpgKey));
            return commit;
        }

        /** Points a served ref at a commit, as a publisher does, and updates the summary. */
        synchronized void point(String ref, String commit) throws Exception {
            Path file = repo.resolve("refs/heads").resolve(ref);
            Files.createDirectories(file.getParent());
            Files.writeString(file, commit + "\n");
            cli("ostree", "--repo=" + repo, "summary", "-u");
        }

        URI url(String path) {
            return URI.create("http://127.0.0.1:" + port + "/" + path);
        }

        private void stop() {
            try {
                nginx.close();
                run(List.of("rm", "-rf", work.toString()));
            } catch (IOException | InterruptedException e) {
                // The JVM is ending; a temporary directory may stay behind.
            }
        }
    }

    /** The synthetic packages of the test APT repository (suite {@code stable}, component {@code main}). */
    static List<byte[]> syntheticPackages() {
        List<byte[]> debs = new ArrayList<>();
        debs.add(new DebBuilder("hello-layer", "1.0-1", "amd64").field("Depends", "libhello-layer (>= 1.0)")
                .file("usr/bin/hello-layer", "#!/bin/sh\necho hello from a layer\n".getBytes(StandardCharsets.UTF_8), 0755)
                .conffile("etc/hello-layer.conf", "greeting=hello\n")
                .script("postinst", "#!/bin/sh\nset -e\nif [ \"$1\" = configure ]; then mkdir -p /var/lib/hello-layer;"
                        + " echo configured > /var/lib/hello-layer/state; fi\n")
                // What dpkg gives a preinst: itself and the package's other control files in admindir/tmp.ci.
                .script("preinst", "#!/bin/sh\nset -e\nmkdir -p /var/lib/hello-layer\nd=$(dirname \"$0\")\n"
                        + "{ echo \"$0 $1 $DPKG_MAINTSCRIPT_PACKAGE\"; ls -l \"$d\" | sed 1d | awk '{print $1, $NF}';"
                        + " grep '^Package:' \"$d/control\"; } > /var/lib/hello-layer/preinst.seen\n")
                .build());
        debs.add(new DebBuilder("libhello-layer", "1.0-1", "amd64").field("Provides", "hello-api")
                .file("usr/lib/libhello-layer.txt", "library\n").build());
        debs.add(new DebBuilder("needs-api", "1.0-1", "amd64").field("Depends", "hello-api")
                .file("usr/share/needs-api/readme", "needs the api\n").build());
        debs.add(new DebBuilder("clash", "1.0-1", "amd64").file("usr/share/common-licenses/GPL-3", "clashing licence\n").build());
        debs.add(new DebBuilder("conflicting", "1.0-1", "amd64").field("Conflicts", "base-files")
                .file("usr/share/conflicting/readme", "conflicts with base-files\n").build());
        debs.add(new DebBuilder("badpost", "1.0-1", "amd64").file("usr/share/badpost/readme", "x\n")
                .script("postinst", "#!/bin/sh\necho 'badpost: failing on purpose' >&2\nexit 1\n").build());
        debs.add(new DebBuilder("appender", "1.0-1", "amd64").file("usr/share/appender/readme", "x\n")
                .script("postinst", "#!/bin/sh\nset -e\necho appended-by-a-script >> /usr/share/base-files/motd\n").build());
        debs.add(new DebBuilder("trig-interest", "1.0-1", "amd64").file("usr/share/trig-test/.keep", "")
                .script("triggers", "interest /usr/share/trig-test\n")
                .script("postinst", "#!/bin/sh\nset -e\nif [ \"$1\" = triggered ]; then ls /usr/share/trig-test > /usr/share/trig-interest.seen; fi\n")
                .build());
        debs.add(new DebBuilder("needs-trig", "1.0-1", "amd64").field("Depends", "trig-interest")
                .file("usr/share/needs-trig/readme", "needs a base package\n").build());
        debs.add(new DebBuilder("trig-activator", "1.0-1", "amd64").file("usr/share/trig-test/activator", "x\n").build());
        debs.add(new DebBuilder("base-extra", "1.0-1", "amd64").file("usr/share/base-extra/readme", "in the second base\n")
                .mtime(1_900_000_000L).build());
        return debs;
    }

    /** A fresh sysroot below {@code work} with the served base deployed, following {@link #REFSPEC}. */
    static HostFixture create(Path work, Path mirror, Path keyring) throws Exception {
        return create(work, mirror, keyring, REF);
    }

    /** A fresh sysroot below {@code work} with the served {@code ref} deployed, following {@code origin:ref}. */
    static HostFixture create(Path work, Path mirror, Path keyring, String ref) throws Exception {
        HostFixture f = new HostFixture(work, Served.get(mirror, keyring));
        try {
            Path repo = f.sysroot.resolve("ostree/repo");
            cli("ostree", "admin", "init-fs", "--modern", f.sysroot.toString());
            cli("ostree", "admin", "os-init", "--sysroot=" + f.sysroot, "debian");
            cli("ostree", "--repo=" + repo, "remote", "add", "--set=gpgkeypath=" + f.served.work.resolve("base.pub.gpg"), "origin",
                    f.served.url("ostree").toString(), ref);
            cli("ostree", "--repo=" + repo, "pull", "origin", ref);
            cli("ostree", "admin", "deploy", "--sysroot=" + f.sysroot, "--os=debian", "origin:" + ref);
            Path etc = f.deployment().resolve("etc/apt");
            Files.createDirectories(etc.resolve("keyrings"));
            Files.createDirectories(etc.resolve("sources.list.d"));
            Files.copy(f.served.work.resolve("apt-test.gpg"), etc.resolve("keyrings/apt-test.gpg"));
            Files.writeString(etc.resolve("sources.list.d/apt-test.sources"), "Types: deb\nURIs: " + f.served.url("apt")
                    + "\nSuites: stable\nComponents: main\nSigned-By: /etc/apt/keyrings/apt-test.gpg\n");
            return f;
        } catch (Exception | Error e) {
            f.close();
            throw e;
        }
    }

    /** The default deployment's directory. */
    Path deployment() throws Exception {
        return org.aptostree.ostree.sysroot.Sysroot.load(sysroot).deployments().get(0).dir(sysroot);
    }

    /** A CLI run in this process: exit code, stdout and stderr. */
    record Result(int code, String out, String err) {
    }

    static Result apt(String... args) {
        InProcessCli.Result r = InProcessCli.run(args);
        return new Result(r.code(), r.out(), r.err());
    }

    /** A system verb on this host's sysroot. */
    Result verb(String... args) {
        String[] all = new String[args.length + 1];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--sysroot=" + sysroot;
        return apt(all);
    }

    static void cli(String... args) throws IOException {
        Result r = apt(args);
        if (r.code() != 0) {
            throw new IOException("apt-ostree " + String.join(" ", args) + " exited " + r.code() + ": " + r.err() + r.out());
        }
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        return new String(runBytes(command), StandardCharsets.UTF_8);
    }

    static byte[] runBytes(List<String> command) throws IOException, InterruptedException {
        Path err = Files.createTempFile("cmd", ".err");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        int rc = p.waitFor();
        String stderr = Files.readString(err);
        Files.delete(err);
        if (rc != 0) {
            throw new IOException(String.join(" ", command) + " exited " + rc + ": " + stderr + new String(out, StandardCharsets.UTF_8));
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        // Deployments are immutable (chattr +i) as root; chattr also complains about the symlinks it cannot flag.
        new ProcessBuilder("chattr", "-R", "-f", "-i", sysroot.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        run(List.of("rm", "-rf", work.toString()));
    }
}
