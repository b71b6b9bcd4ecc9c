package org.aptostree.cli.system;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.aptostree.cli.Main;
import org.aptostree.fixtures.deb.DebBuilder;
import org.aptostree.fixtures.deb.RepositoryBuilder;
import org.aptostree.fixtures.deb.SigningKey;

/**
 * A deployed host to run the system verbs on, made of real parts: a base composed from the real trixie minbase (plus
 * a stand-in kernel), served with GPG-signed commits from an archive repository by nginx, pulled and deployed into a
 * directory sysroot that follows it ({@code origin:debian/test/base}); and a signed APT repository of synthetic
 * packages on the same nginx, configured in the deployment's {@code /etc/apt} as an admin would. A second base
 * (with one more package, and a later timestamp) can be published to test upgrades.
 */
final class HostFixture implements AutoCloseable {
    static final String REF = "debian/test/base";
    static final String REFSPEC = "origin:" + REF;

    final Path work;
    final Path served;
    final Path sysroot;
    final Path mirror;
    final Path keyring;
    private final Process nginx;
    final int port;
    final Path gpgHome;
    final String gpgKey;

    private HostFixture(Path work, Path served, Path sysroot, Path mirror, Path keyring, Process nginx, int port, Path gpgHome, String gpgKey) {
        this.work = work;
        this.served = served;
        this.sysroot = sysroot;
        this.mirror = mirror;
        this.keyring = keyring;
        this.nginx = nginx;
        this.port = port;
        this.gpgHome = gpgHome;
        this.gpgKey = gpgKey;
    }

    /** The synthetic packages of the test APT repository (suite {@code stable}, component {@code main}). */
    static List<byte[]> syntheticPackages() {
        List<byte[]> debs = new ArrayList<>();
        debs.add(new DebBuilder("hello-layer", "1.0-1", "amd64").field("Depends", "libhello-layer (>= 1.0)")
                .file("usr/bin/hello-layer", "#!/bin/sh\necho hello from a layer\n".getBytes(StandardCharsets.UTF_8), 0755)
                .conffile("etc/hello-layer.conf", "greeting=hello\n")
                .script("postinst", "#!/bin/sh\nset -e\nif [ \"$1\" = configure ]; then mkdir -p /var/lib/hello-layer;"
                        + " echo configured > /var/lib/hello-layer/state; fi\n")
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
        debs.add(new DebBuilder("trig-activator", "1.0-1", "amd64").file("usr/share/trig-test/activator", "x\n").build());
        debs.add(new DebBuilder("base-extra", "1.0-1", "amd64").file("usr/share/base-extra/readme", "in the second base\n")
                .mtime(1_900_000_000L).build());
        return debs;
    }

    /** Composes and serves base 1, builds the APT repository, and deploys base 1 into a fresh sysroot. */
    static HostFixture create(Path work, Path mirror, Path keyring) throws Exception {
        Path served = Files.createDirectories(work.resolve("served"));
        SigningKey key = SigningKey.fromSeed(42);
        RepositoryBuilder apt = new RepositoryBuilder("stable", "amd64", key).date(Instant.now().minusSeconds(3600));
        syntheticPackages().forEach(d -> apt.add("main", d));
        apt.write(served.resolve("apt"));
        Files.write(work.resolve("apt-test.gpg"), key.publicKeyring());

        Path gpgHome = Files.createDirectories(work.resolve("gnupg"));
        Files.setAttribute(gpgHome, "unix:mode", 0700);
        run(List.of("gpg", "--homedir", gpgHome.toString(), "--batch", "--passphrase", "", "--quick-gen-key", "base@example.org",
                "ed25519", "sign", "never"));
        String colons = run(List.of("gpg", "--homedir", gpgHome.toString(), "--with-colons", "--list-secret-keys"));
        String fpr = colons.lines().filter(l -> l.startsWith("fpr:")).findFirst().orElseThrow().split(":")[9];
        Files.write(work.resolve("base.pub.gpg"), runBytes(List.of("gpg", "--homedir", gpgHome.toString(), "--export", fpr)));

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process nginx = startNginx(served, work.resolve("nginx"), port);
        HostFixture f = new HostFixture(work, served, work.resolve("sysroot"), mirror, keyring, nginx, port, gpgHome, fpr);
        try {
            cli("ostree", "--repo=" + served.resolve("ostree"), "init", "--mode=archive");
            f.publishBase("trig-interest", f.syntheticSource());
            cli("ostree", "admin", "init-fs", "--modern", f.sysroot.toString());
            cli("ostree", "admin", "os-init", "--sysroot=" + f.sysroot, "debian");
            cli("ostree", "--repo=" + f.sysroot.resolve("ostree/repo"), "remote", "add", "--set=gpgkeypath=" + work.resolve("base.pub.gpg"),
                    "origin", f.url("ostree").toString(), REF);
            cli("ostree", "--repo=" + f.sysroot.resolve("ostree/repo"), "pull", "origin", REF);
            cli("ostree", "admin", "deploy", "--sysroot=" + f.sysroot, "--os=debian", REFSPEC);
            Path etc = f.deployment().resolve("etc/apt");
            Files.createDirectories(etc.resolve("keyrings"));
            Files.copy(work.resolve("apt-test.gpg"), etc.resolve("keyrings/apt-test.gpg"));
            Files.writeString(etc.resolve("sources.list.d/apt-test.sources"), "Types: deb\nURIs: " + f.url("apt")
                    + "\nSuites: stable\nComponents: main\nSigned-By: /etc/apt/keyrings/apt-test.gpg\n");
            return f;
        } catch (Exception | Error e) {
            f.close();
            throw e;
        }
    }

    /** Composes a base (minbase, a stand-in kernel, the given extra packages) onto the served ref and signs it. */
    String publishBase(String extraPackages, String extraSources) throws Exception {
        Path treefile = work.resolve("base.yaml");
        Files.writeString(treefile, "ref: " + REF + "\nvariant: minbase\npackages: [" + extraPackages + "]\n"
                + "postprocess:\n  - |\n    mkdir -p /usr/lib/modules/0.0.0-standin\n"
                + "    echo 'stand-in kernel' > /usr/lib/modules/0.0.0-standin/vmlinuz\n"
                + "    echo 'stand-in initramfs' > /usr/lib/modules/0.0.0-standin/initramfs.img\n"
                + "sources: |\n  Types: deb\n  URIs: copy://" + mirror + "\n  Suites: trixie\n  Components: main\n  Signed-By: " + keyring + "\n"
                + extraSources);
        Path id = work.resolve("commit-id");
        cli("compose", "tree", treefile.toString(), "--repo=" + served.resolve("ostree"), "--cachedir=" + work.resolve("cache"),
                "--workdir=" + work.resolve("compose"), "--write-commitid-to=" + id);
        String commit = Files.readString(id).strip();
        run(List.of("ostree", "gpg-sign", "--repo=" + served.resolve("ostree"), "--gpg-homedir=" + gpgHome, commit, gpgKey));
        cli("ostree", "--repo=" + served.resolve("ostree"), "summary", "-u");
        return commit;
    }

    /**
     * A second base: the first plus {@code base-extra} from the test APT repository (newer, so an upgrade). Both have
     * {@code trig-interest}, whose file trigger layered packages activate.
     */
    String publishSecondBase() throws Exception {
        return publishBase("trig-interest, base-extra", syntheticSource());
    }

    /** The test APT repository as another stanza of a treefile's sources. */
    private String syntheticSource() {
        return "  \n  Types: deb\n  URIs: " + url("apt") + "\n  Suites: stable\n  Components: main\n  Signed-By: "
                + work.resolve("apt-test.gpg") + "\n";
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + "/" + path);
    }

    /** The default deployment's directory. */
    Path deployment() throws Exception {
        return org.aptostree.ostree.sysroot.Sysroot.load(sysroot).deployments().get(0).dir(sysroot);
    }

    /** A CLI run in this process: exit code, stdout and stderr. */
    record Result(int code, String out, String err) {
    }

    static synchronized Result apt(String... args) {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.execute(args);
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
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

    private static Process startNginx(Path root, Path dir, int port) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String conf = """
                user root root;
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 64; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/body;
                  proxy_temp_path %1$s/proxy;
                  fastcgi_temp_path %1$s/fastcgi;
                  uwsgi_temp_path %1$s/uwsgi;
                  scgi_temp_path %1$s/scgi;
                  types { application/octet-stream bin; }
                  server {
                    listen 127.0.0.1:%2$d;
                    root %3$s;
                  }
                }
                """.formatted(dir.toAbsolutePath(), port, root.toAbsolutePath());
        Files.writeString(dir.resolve("nginx.conf"), conf);
        Process p = new ProcessBuilder("nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return p;
            } catch (IOException e) {
                if (!p.isAlive()) {
                    throw new IOException("nginx failed to start: " + Files.readString(dir.resolve("stdout.log")));
                }
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IOException("nginx did not listen on port " + port);
    }

    @Override
    public void close() throws Exception {
        nginx.destroy();
        nginx.waitFor();
        // Deployments are immutable (chattr +i) as root; chattr also complains about the symlinks it cannot flag.
        new ProcessBuilder("chattr", "-R", "-f", "-i", sysroot.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        run(List.of("rm", "-rf", work.toString()));
    }
}
