package org.aptostree.ostree.repo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes a random file tree from a seed: regular files of many sizes (empty to a few hundred KiB), executables,
 * setuid/setgid bits, symlinks (relative, absolute, dangling, to directories), empty and deeply nested
 * directories, long and non-ASCII names, and user xattrs.
 */
public final class RandomTree {
    private static final String[] NAME_PARTS = {"a", "bin", "lib", "é", "файл", "日本", "x.y", "-dash", "_u", "space name", "Z"};

    private final Random random;
    private final List<Path> dirs = new ArrayList<>();
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
                    Files.setAttribute(p, "unix:uid", ids[random.nextInt(ids.length)], java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(p, "unix:gid", ids[random.nextInt(ids.length)], java.nio.file.LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }

    public void write(Path root, boolean xattrs) throws IOException {
        Files.createDirectories(root);
        dirs.add(root);
        int entries = 5 + random.nextInt(40);
        for (int i = 0; i < entries; i++) {
            Path dir = dirs.get(random.nextInt(dirs.size()));
            Path p = dir.resolve(name());
            switch (random.nextInt(10)) {
                case 0, 1 -> {
                    Files.createDirectory(p);
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
                case 3 -> Files.createSymbolicLink(p, Path.of(switch (random.nextInt(4)) {
                    case 0 -> "../" + name();
                    case 1 -> "/usr/bin/env";
                    case 2 -> "does-not-exist-" + counter;
                    default -> ".";
                }));
                default -> {
                    byte[] data = new byte[size()];
                    random.nextBytes(data);
                    if (random.nextBoolean()) {
                        java.util.Arrays.fill(data, (byte) 'a');
                    }
                    Files.write(p, data);
                    int mode = switch (random.nextInt(6)) {
                        case 0 -> 0755;
                        case 1 -> 04755;
                        case 2 -> 02755;
                        case 3 -> 0600;
                        case 4 -> 0444;
                        default -> 0644;
                    };
                    Files.setAttribute(p, "unix:mode", mode);
                    if (xattrs && random.nextInt(4) == 0) {
                        UserDefinedFileAttributeView view = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
                        view.write("test" + random.nextInt(3), ByteBuffer.wrap(("v" + random.nextInt()).getBytes()));
                        view.write("atest", ByteBuffer.wrap(new byte[] {0, 1, 2}));
                    }
                }
            }
        }
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
