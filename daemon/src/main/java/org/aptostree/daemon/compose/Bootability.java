package org.aptostree.daemon.compose;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.archive.CpioEntry;
import org.aptostree.deb.archive.CpioReader;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.sysroot.KernelFiles;

/**
 * Whether a composed tree can boot as an OSTree deployment. The kernel boots the deployment only if its initramfs
 * runs ostree's {@code ostree-prepare-root} before switching root: that is what mounts the deployment named by
 * the {@code ostree=} kernel argument as {@code /}. In Debian only dracut's module {@code 98ostree}, from
 * ostree-boot, puts it there (the binary, and its unit wanted by {@code initrd-root-fs.target}); an initramfs of
 * initramfs-tools mounts the disk and finds no {@code /sbin/init} on it.
 *
 * <p>The kernel and initramfs are the ones a deployment would boot ({@link KernelFiles}, as libostree finds them). A
 * tree without a kernel is not meant to boot, and nothing is checked.
 */
final class Bootability {
    static final String PREPARE_ROOT = "usr/lib/ostree/ostree-prepare-root";
    static final String PREPARE_ROOT_UNIT = "ostree-prepare-root.service";
    private static final String HOW_TO_FIX = "add dracut and ostree-boot to the treefile's packages (dracut in place of"
            + " initramfs-tools); for a tree that is not meant to boot, such as a container image, pass --allow-unbootable"
            + " or set 'allow-unbootable: true' in the treefile";

    private Bootability() {
    }

    /**
     * Checks the tree; returns whether its commit is to be marked bootable ({@code ostree.bootable} and
     * {@code ostree.linux}).
     *
     * @param allowUnbootable commit a tree whose initramfs cannot boot it anyway (not marked bootable)
     * @throws ComposeException when it has a kernel that cannot boot it and that is not allowed
     */
    static boolean check(Path root, boolean allowUnbootable, ComposeProgress progress) throws IOException {
        Optional<KernelFiles> kernel = kernel(root);
        if (kernel.isEmpty()) {
            return false;
        }
        Optional<String> problem = problem(root, kernel.get());
        if (problem.isEmpty()) {
            return true;
        }
        if (!allowUnbootable) {
            throw new ComposeException("the tree cannot boot as an OSTree deployment: " + problem.get() + ". To fix it, " + HOW_TO_FIX);
        }
        progress.note("warning: the tree cannot boot as an OSTree deployment (" + problem.get()
                + "); committed as not bootable, as --allow-unbootable asks");
        return false;
    }

    /** Why the tree's kernel cannot boot it as a deployment; empty when it can, or when there is no kernel. */
    static Optional<String> problem(Path root) throws IOException {
        Optional<KernelFiles> kernel = kernel(root);
        return kernel.isEmpty() ? Optional.empty() : problem(root, kernel.get());
    }

    private static Optional<KernelFiles> kernel(Path root) throws IOException {
        try {
            return KernelFiles.find(root);
        } catch (OstreeFormatException e) {
            throw new ComposeException("finding the kernel of the tree: " + e.getMessage());
        }
    }

    private static Optional<String> problem(Path root, KernelFiles kernel) throws IOException {
        String kver = kernel.version();
        if (kernel.initramfs().isEmpty()) {
            return Optional.of("kernel " + kver + " has no initramfs (usr/lib/modules/" + kver + "/initramfs.img; Debian puts it"
                    + " in /boot/initrd.img-" + kver + " when an initramfs generator is installed)");
        }
        String path = kernel.initramfs().get();
        Listing listing;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(root.resolve(path)), 1 << 16)) {
            listing = Listing.read(in);
        } catch (DebFormatException e) {
            return Optional.of("the initramfs of kernel " + kver + " (" + path + ") cannot be read as the kernel reads it: " + e.getMessage());
        }
        boolean binary = listing.isFile(PREPARE_ROOT);
        boolean unit = listing.isFile("usr/lib/systemd/system/" + PREPARE_ROOT_UNIT) || listing.isFile("etc/systemd/system/" + PREPARE_ROOT_UNIT);
        boolean wanted = listing.wants(PREPARE_ROOT_UNIT);
        if (binary && unit && wanted) {
            return Optional.empty();
        }
        String missing = !binary ? "has no " + PREPARE_ROOT + ", which mounts the deployment as / at boot"
                : !unit ? "has " + PREPARE_ROOT + " but not its unit " + PREPARE_ROOT_UNIT
                : "has " + PREPARE_ROOT + " but does not start it (no initrd target wants " + PREPARE_ROOT_UNIT + ")";
        String made = listing.exists("conf/initramfs.conf") || listing.exists("scripts/init-top")
                ? "; it was made by initramfs-tools, which has no OSTree support in Debian"
                : listing.exists("usr/lib/dracut") ? "; it was made by dracut without the ostree module of ostree-boot" : "";
        return Optional.of("the initramfs of kernel " + kver + " (" + path + ") " + missing + made);
    }

    /** The paths of an initramfs, with the symbolic links among them followed (lib -> usr/lib). */
    private record Listing(Set<String> files, Set<String> directories, Map<String, String> links) {

        static Listing read(InputStream in) throws IOException {
            Set<String> files = new HashSet<>();
            Set<String> directories = new HashSet<>();
            Map<String, String> links = new HashMap<>();
            CpioReader cpio = new CpioReader(in);
            for (CpioEntry e = cpio.next(); e != null; e = cpio.next()) {
                String name = normalize(e.name());
                if (e.isSymbolicLink()) {
                    links.put(name, new String(cpio.content().readAllBytes(), StandardCharsets.UTF_8));
                } else if (e.isDirectory()) {
                    directories.add(name);
                } else if (e.isRegularFile()) {
                    files.add(name);
                }
            }
            // Names as stored may go through the archive's own links (lib/ostree/x with lib -> usr/lib).
            Listing raw = new Listing(files, directories, links);
            Map<String, String> resolvedLinks = new HashMap<>();
            links.forEach((name, target) -> raw.resolve(name).ifPresent(n -> resolvedLinks.put(n, target)));
            return new Listing(raw.resolveAll(files), raw.resolveAll(directories), resolvedLinks);
        }

        private Set<String> resolveAll(Set<String> names) {
            Set<String> out = new HashSet<>();
            names.forEach(n -> resolve(n).ifPresent(out::add));
            return out;
        }

        private static String normalize(String name) {
            String n = name;
            while (n.startsWith("./") || n.startsWith("/")) {
                n = n.substring(n.startsWith("/") ? 1 : 2);
            }
            return n;
        }

        boolean isFile(String path) {
            return resolve(path).map(files::contains).orElse(false);
        }

        boolean exists(String path) {
            return resolve(path).map(p -> files.contains(p) || directories.contains(p) || links.containsKey(p)).orElse(false);
        }

        /** Whether a link to the unit is in a {@code .wants} or {@code .requires} directory of a unit directory. */
        boolean wants(String unit) {
            for (String dir : new String[] {"etc/systemd/system", "usr/lib/systemd/system"}) {
                Optional<String> d = resolve(dir);
                if (d.isEmpty()) {
                    continue;
                }
                for (String link : links.keySet()) {
                    Optional<String> parent = resolve(parentOf(link));
                    String name = link.substring(link.lastIndexOf('/') + 1);
                    if (name.equals(unit) && parent.isPresent() && parentOf(parent.get()).equals(d.get())
                            && (parent.get().endsWith(".wants") || parent.get().endsWith(".requires"))) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** The path with symbolic links in its directories followed, or empty for a loop. */
        Optional<String> resolve(String path) {
            String p = path;
            for (int hops = 0; hops < 40; hops++) {
                String[] parts = p.split("/");
                String prefix = "";
                boolean followed = false;
                for (int i = 0; i < parts.length - 1 && !followed; i++) {
                    prefix = prefix.isEmpty() ? parts[i] : prefix + "/" + parts[i];
                    String target = links.get(prefix);
                    if (target != null) {
                        String rest = String.join("/", java.util.Arrays.copyOfRange(parts, i + 1, parts.length));
                        p = join(target.startsWith("/") ? "" : parentOf(prefix), target) + "/" + rest;
                        p = Path.of("/" + p).normalize().toString().substring(1);
                        followed = true;
                    }
                }
                if (!followed) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        }

        private static String parentOf(String path) {
            int slash = path.lastIndexOf('/');
            return slash < 0 ? "" : path.substring(0, slash);
        }

        private static String join(String dir, String target) {
            return dir.isEmpty() ? target : dir + "/" + target;
        }
    }
}
