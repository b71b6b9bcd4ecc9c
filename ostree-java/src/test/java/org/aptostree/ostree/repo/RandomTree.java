package org.aptostree.ostree.repo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.aptostree.ostree.object.Xattr;

/**
 * Writes a random file tree from a seed: regular files of many sizes (empty to a few hundred KiB), executables,
 * setuid/setgid bits, symlinks (relative, absolute, dangling, to directories), empty and deeply nested
 * directories, long and non-ASCII names, and, when asked, user xattrs on files and directories.
 * <p>
 * It makes the cases that tell an implementation from libostree apart:
 * <ul>
 * <li>xattrs whose value is empty (libostree leaves them out when it reads a file, keeps them from a tar), many
 * xattrs on one file, binary values, xattrs on directories, and xattrs meant for symlinks ({@link #symlinkXattrs});
 * <li>files and subdirectories whose names interleave (a dirtree lists files first, then directories, each in
 * name order), and names that sort one way as UTF-8 bytes and the other as Java's UTF-16 strings.
 * </ul>
 */
public final class RandomTree {
    /**
     * Parts of names. U+1F600 is a surrogate pair in UTF-16, so it sorts before U+FF21 and U+E000 as a Java
     * string, but after them as UTF-8 bytes (F0 against EF and EE).
     */
    private static final String[] NAME_PARTS = {"a", "bin", "lib", "é", "файл", "日本", "x.y", "-dash", "_u", "space name",
        "Z", "\uD83D\uDE00", "\uFF21", "\uE000"};

    private final Random random;
    private final List<Path> dirs = new ArrayList<>();
    private final Map<String, List<Xattr>> symlinkXattrs = new LinkedHashMap<>();
    private int counter;

    public RandomTree(long seed) {
        this.random = new Random(seed);
    }

    /** Also gives some entries other owners (needs root). */
    public void writeWithOwners(Path root) throws IOException {
        write(root, true);
        int[] ids = {0, 1, 1000, 65534};
        try (var walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (random.nextInt(3) == 0) {
                    Files.setAttribute(p, "unix:uid", ids[random.nextInt(ids.length)], LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(p, "unix:gid", ids[random.nextInt(ids.length)], LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }

    public void write(Path root, boolean xattrs) throws IOException {
        Files.createDirectories(root);
        dirs.add(root);
        writeInterleavedNames(root.resolve(name()), xattrs);
        int entries = 5 + random.nextInt(40);
        for (int i = 0; i < entries; i++) {
            Path dir = dirs.get(random.nextInt(dirs.size()));
            Path p = dir.resolve(name());
            switch (random.nextInt(10)) {
                case 0, 1 -> {
                    Files.createDirectory(p);
                    if (xattrs && random.nextInt(3) == 0) {
                        writeXattrs(p);
                    }
                    Files.setAttribute(p, "unix:mode", random.nextBoolean() ? 0755 : 0700 | random.nextInt(0100));
                    dirs.add(p);
                }
                case 2 -> {
                    Path deep = p;
                    for (int d = 0; d < 8 + random.nextInt(8); d++) {
                        deep = deep.resolve("d" + d);
                    }
                    Files.createDirectories(deep);
                    Files.writeString(deep.resolve("leaf"), "deep\n");
                }
                case 3 -> {
                    Files.createSymbolicLink(p, Path.of(switch (random.nextInt(4)) {
                        case 0 -> "../" + name();
                        case 1 -> "/usr/bin/env";
                        case 2 -> "does-not-exist-" + counter;
                        default -> ".";
                    }));
                    if (xattrs && random.nextInt(2) == 0) {
                        symlinkXattrs.put(root.relativize(p).toString(), randomXattrs(random.nextBoolean() ? "trusted." : "security."));
                    }
                }
                default -> {
                    byte[] data = new byte[size()];
                    random.nextBytes(data);
                    if (random.nextBoolean()) {
                        java.util.Arrays.fill(data, (byte) 'a');
                    }
                    Files.write(p, data);
                    if (xattrs && random.nextInt(3) == 0) {
                        writeXattrs(p);
                    }
                    int mode = switch (random.nextInt(6)) {
                        case 0 -> 0755;
                        case 1 -> 04755;
                        case 2 -> 02755;
                        case 3 -> 0600;
                        case 4 -> 0444;
                        default -> 0644;
                    };
                    Files.setAttribute(p, "unix:mode", mode);
                }
            }
        }
    }

    /**
     * The xattrs the tree gives its symlinks, by path relative to the root, in the order a tar should list them.
     * They are not on disk: Linux allows no {@code user.} xattrs on symlinks, and the JDK reaches no other namespace,
     * so only a tar written from the tree carries them ({@link PaxTar}).
     */
    public Map<String, List<Xattr>> symlinkXattrs() {
        return Collections.unmodifiableMap(symlinkXattrs);
    }

    /**
     * A directory where files and subdirectories alternate in name order, and where "sub/…" sorts after "sub-" and
     * "sub.x" as a path but the directory "sub" comes after every file when listed as a dirtree; and a pair of
     * names whose UTF-8 and UTF-16 orders disagree.
     */
    private void writeInterleavedNames(Path dir, boolean xattrs) throws IOException {
        Files.createDirectory(dir);
        dirs.add(dir);
        String[] names = {"sub", "sub-", "sub.x", "sub0", "t", "u\uD83D\uDE00", "u\uFF21"};
        for (int i = 0; i < names.length; i++) {
            Path p = dir.resolve(names[i]);
            if ((i + random.nextInt(2)) % 2 == 0) {
                Files.createDirectory(p);
                Files.writeString(p.resolve("in-" + i), "in\n");
                dirs.add(p);
            } else {
                Files.writeString(p, names[i] + "\n");
            }
            if (xattrs && random.nextInt(3) == 0) {
                writeXattrs(p);
            }
        }
    }

    /** Xattrs on a regular file or directory, set in random order (the file system, not this order, decides list()). */
    private void writeXattrs(Path p) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
        for (Xattr x : randomXattrs("user.")) {
            view.write(x.name().substring("user.".length()), ByteBuffer.wrap(x.value()));
        }
    }

    /** One to three xattrs, or sometimes many; some values empty, some binary, some text. */
    private List<Xattr> randomXattrs(String namespace) {
        int count = random.nextInt(8) == 0 ? 10 + random.nextInt(20) : 1 + random.nextInt(3);
        Map<String, Xattr> byName = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = namespace + (random.nextInt(4) == 0 ? "z" : "") + "attr" + random.nextInt(count * 2)
                    + (random.nextInt(5) == 0 ? "é" : "");
            byte[] value = switch (random.nextInt(4)) {
                case 0 -> new byte[0];
                case 1 -> {
                    byte[] b = new byte[1 + random.nextInt(32)];
                    random.nextBytes(b);
                    yield b;
                }
                case 2 -> new byte[] {0, 1, 2};
                default -> ("v" + random.nextInt()).getBytes(StandardCharsets.UTF_8);
            };
            byName.put(name, new Xattr(name, value));
        }
        return List.copyOf(byName.values());
    }

    private int size() {
        return switch (random.nextInt(5)) {
            case 0 -> 0;
            case 1 -> random.nextInt(16);
            case 2 -> random.nextInt(4096);
            case 3 -> 65536 + random.nextInt(3);
            default -> random.nextInt(300_000);
        };
    }

    private String name() {
        counter++;
        if (random.nextInt(20) == 0) {
            return "long-" + "n".repeat(200) + counter;
        }
        return NAME_PARTS[random.nextInt(NAME_PARTS.length)] + counter;
    }
}
