package org.aptostree.ostree.sysroot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The kernel of a deployment, found as libostree finds it: {@code usr/lib/modules/<kver>/vmlinuz} with
 * {@code initramfs.img} (or {@code initramfs}) and {@code devicetree} beside it, or the legacy
 * {@code vmlinuz-<kver>-<bootcsum>} files in {@code usr/lib/ostree-boot} or {@code boot}. The boot checksum is
 * SHA-256 over the kernel, initramfs and devicetree bytes.
 */
public record KernelFiles(String version, Path kernel, Optional<Path> initramfs, Optional<Path> devicetree, String bootChecksum) {

    /** Finds the kernel of a checked-out tree; empty when it has none. */
    public static Optional<KernelFiles> find(Path deployment) throws IOException {
        Path modules = deployment.resolve("usr/lib/modules");
        if (Files.isDirectory(modules, LinkOption.NOFOLLOW_LINKS)) {
            List<Path> kvers = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(modules)) {
                ds.forEach(kvers::add);
            }
            kvers.sort(null);
            for (Path kdir : kvers) {
                Path vmlinuz = kdir.resolve("vmlinuz");
                if (Files.isRegularFile(vmlinuz, LinkOption.NOFOLLOW_LINKS)) {
                    Optional<Path> initramfs = firstRegular(kdir.resolve("initramfs.img"), kdir.resolve("initramfs"));
                    Optional<Path> dtb = firstRegular(kdir.resolve("devicetree"));
                    return Optional.of(new KernelFiles(kdir.getFileName().toString(), vmlinuz, initramfs, dtb,
                            checksum(vmlinuz, initramfs, dtb)));
                }
            }
        }
        for (String legacy : new String[] {"usr/lib/ostree-boot", "boot"}) {
            Optional<KernelFiles> k = findLegacy(deployment.resolve(legacy));
            if (k.isPresent()) {
                return k;
            }
        }
        return Optional.empty();
    }

    private static Optional<KernelFiles> findLegacy(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "vmlinuz-*")) {
            ds.forEach(files::add);
        }
        files.sort(null);
        for (Path k : files) {
            String name = k.getFileName().toString();
            int dash = name.lastIndexOf('-');
            if (dash <= "vmlinuz".length() || !Files.isRegularFile(k, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            String csum = name.substring(dash + 1);
            String kver = name.substring("vmlinuz-".length(), dash);
            Optional<Path> initramfs = firstRegular(dir.resolve("initramfs-" + kver + ".img-" + csum), dir.resolve("initramfs-" + kver + "-" + csum));
            return Optional.of(new KernelFiles(kver, k, initramfs, Optional.empty(), csum));
        }
        return Optional.empty();
    }

    private static Optional<Path> firstRegular(Path... candidates) {
        for (Path p : candidates) {
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static String checksum(Path kernel, Optional<Path> initramfs, Optional<Path> dtb) throws IOException {
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<Path> parts = new ArrayList<>();
        parts.add(kernel);
        initramfs.ifPresent(parts::add);
        dtb.ifPresent(parts::add);
        byte[] buf = new byte[64 * 1024];
        for (Path p : parts) {
            try (InputStream in = Files.newInputStream(p)) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    d.update(buf, 0, n);
                }
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
