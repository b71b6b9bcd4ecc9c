package org.aptostree.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import org.aptostree.cli.Main;
import org.aptostree.fixtures.deb.DebBuilder;
import org.aptostree.fixtures.deb.RepositoryBuilder;
import org.aptostree.fixtures.deb.SigningKey;

/**
 * The image of a host that runs apt-ostree, composed by our compose from a treefile: trixie minbase from
 * deb.debian.org with systemd as init, dbus, polkitd and a Java runtime, a stand-in kernel (a deployment needs one
 * and nspawn boots without it), and this build's .deb from a local APT repository signed with a test key, which
 * also holds {@code hello}, the package the host layers later. Composing takes minutes and the network the first
 * time: the commit is kept in {@code target/host-image/KEY/repo}, named by a hash of the treefile and the .deb.
 */
final class HostImage {
    static final String REF = "debian/trixie/apt-ostree-host";
    static final String SUITE = "stable";
    private static final String RECIPE = "host image 1";

    final Path repo;
    final Path aptRepository;
    final Path aptKeyring;

    private HostImage(Path repo, Path aptRepository, Path aptKeyring) {
        this.repo = repo;
        this.aptRepository = aptRepository;
        this.aptKeyring = aptKeyring;
    }

    /** The image for the package {@code deb}, composed when missing, with its APT repository under {@code dir}. */
    static HostImage get(Path dir, Path deb) throws Exception {
        Path apt = dir.resolve("apt");
        Path keyring = dir.resolve("apt-test.gpg");
        writeAptRepository(deb, apt, keyring);
        String treefile = treefile(apt, keyring);
        Path image = dir.resolve(key(treefile, deb));
        Path repo = image.resolve("repo");
        if (!Files.isDirectory(repo)) {
            Path partial = image.resolve("partial");
            Commands.run(List.of("rm", "-rf", partial.toString()));
            Files.createDirectories(partial);
            Path file = partial.resolve("host.yaml");
            Files.writeString(file, treefile);
            cli("ostree", "--repo=" + partial.resolve("repo"), "init", "--mode=bare-user");
            cli("compose", "tree", file.toString(), "--repo=" + partial.resolve("repo"), "--cachedir=" + dir.resolve("cache"),
                    "--workdir=" + partial.resolve("work"));
            Commands.run(List.of("rm", "-rf", partial.resolve("work").toString()));
            Files.move(partial.resolve("repo"), repo);
        }
        return new HostImage(repo, apt, keyring);
    }

    /** The signed repository: this build's package and {@code hello}, which the host layers. */
    private static void writeAptRepository(Path deb, Path root, Path keyring) throws IOException, InterruptedException {
        SigningKey key = SigningKey.fromSeed(15);
        RepositoryBuilder apt = new RepositoryBuilder(SUITE, "amd64", key).date(Instant.parse("2026-01-01T00:00:00Z"));
        apt.add("main", Files.readAllBytes(deb));
        apt.add("main", hello());
        Commands.run(List.of("rm", "-rf", root.toString()));
        apt.write(root);
        Files.write(keyring, key.publicKeyring());
    }

    /** A small {@code hello}: a command, a conffile and a postinst that records it ran. */
    static byte[] hello() {
        return new DebBuilder("hello", "2.10-5", "amd64")
                .file("usr/bin/hello", "#!/bin/sh\necho 'Hello, world!'\n".getBytes(StandardCharsets.UTF_8), 0755)
                .conffile("etc/hello.conf", "greeting=Hello\n")
                .script("postinst", "#!/bin/sh\nset -e\nif [ \"$1\" = configure ]; then mkdir -p /var/lib/hello; echo configured > /var/lib/hello/state; fi\n")
                .build();
    }

    private static String treefile(Path apt, Path keyring) {
        return """
                ref: %s
                variant: minbase
                recommends: false
                packages: [systemd, systemd-sysv, dbus, polkitd, libpam-systemd, apt-ostree]
                # systemd-nspawn boots the tree without its kernel, so a stand-in will do.
                allow-unbootable: true
                postprocess:
                  - |
                    mkdir -p /usr/lib/modules/0.0.0-standin
                    echo 'stand-in kernel: nspawn boots without one' > /usr/lib/modules/0.0.0-standin/vmlinuz
                    echo 'stand-in initramfs' > /usr/lib/modules/0.0.0-standin/initramfs.img
                sources: |
                  Types: deb
                  URIs: http://deb.debian.org/debian
                  Suites: trixie
                  Components: main
                  Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

                  Types: deb
                  URIs: copy://%s
                  Suites: %s
                  Components: main
                  Signed-By: %s
                """.formatted(REF, apt, SUITE, keyring);
    }

    private static String key(String treefile, Path deb) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        d.update((RECIPE + "\n" + treefile).getBytes(StandardCharsets.UTF_8));
        d.update(Files.readAllBytes(deb));
        return HexFormat.of().formatHex(d.digest()).substring(0, 16);
    }

    /** The CLI, in this JVM, as the other system tests run it. */
    static void cli(String... args) throws IOException {
        int code = Main.execute(args);
        if (code != 0) {
            throw new IOException("apt-ostree " + String.join(" ", args) + " exited " + code);
        }
    }
}
