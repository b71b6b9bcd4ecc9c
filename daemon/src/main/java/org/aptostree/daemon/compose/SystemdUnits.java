package org.aptostree.daemon.compose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Enables systemd units in a tree as {@code systemctl --root=ROOT enable UNIT} does, without systemctl: the
 * unit's {@code [Install]} section's {@code WantedBy=}/{@code RequiredBy=} become symlinks in
 * {@code /etc/systemd/system/TARGET.wants|requires/}, {@code Alias=} a symlink of that name, {@code Also=}
 * units are enabled too.
 */
final class SystemdUnits {
    private static final List<String> UNIT_DIRS = List.of("etc/systemd/system", "usr/lib/systemd/system", "lib/systemd/system");

    private SystemdUnits() {
    }

    static void enable(Path root, String unit) throws IOException {
        enable(root, unit, new ArrayList<>());
    }

    private static void enable(Path root, String unit, List<String> done) throws IOException {
        if (done.contains(unit)) {
            return;
        }
        done.add(unit);
        Path file = null;
        String dir = null;
        for (String d : UNIT_DIRS) {
            if (Files.isRegularFile(root.resolve(d).resolve(unit))) {
                file = root.resolve(d).resolve(unit);
                dir = d;
                break;
            }
        }
        if (file == null) {
            throw new ComposeException("units: no unit file '" + unit + "' in " + String.join(", ", UNIT_DIRS));
        }
        Path target = Path.of("/" + dir + "/" + unit);
        boolean install = false;
        boolean any = false;
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (line.startsWith("[")) {
                install = line.equals("[Install]");
                continue;
            }
            int eq = line.indexOf('=');
            if (!install || eq < 0 || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            String key = line.substring(0, eq).strip();
            for (String value : line.substring(eq + 1).strip().split("\\s+")) {
                if (value.isEmpty()) {
                    continue;
                }
                switch (key) {
                    case "WantedBy" -> link(root, "etc/systemd/system/" + value + ".wants/" + unit, target);
                    case "RequiredBy" -> link(root, "etc/systemd/system/" + value + ".requires/" + unit, target);
                    case "Alias" -> link(root, "etc/systemd/system/" + value, target);
                    case "Also" -> enable(root, value, done);
                    default -> {
                        continue;
                    }
                }
                any = true;
            }
        }
        if (!any) {
            throw new ComposeException("units: " + unit + " has no [Install] section to enable it with");
        }
    }

    private static void link(Path root, String path, Path target) throws IOException {
        Path link = root.resolve(path);
        Files.createDirectories(link.getParent());
        if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(link);
        }
        Files.createSymbolicLink(link, target);
    }
}
