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
 * units are enabled too. An instance ({@code getty@tty2.service}) is enabled from its template's file under its own
 * name; a template alone is enabled as its {@code DefaultInstance=}.
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
        String fileName = unit;
        int at = unit.indexOf('@');
        int dot = unit.lastIndexOf('.');
        boolean instance = at > 0 && dot > at + 1;
        for (String name : instance ? List.of(unit, unit.substring(0, at + 1) + unit.substring(dot)) : List.of(unit)) {
            for (String d : UNIT_DIRS) {
                if (file == null && Files.isRegularFile(root.resolve(d).resolve(name))) {
                    file = root.resolve(d).resolve(name);
                    dir = d;
                    fileName = name;
                }
            }
        }
        if (file == null) {
            throw new ComposeException("units: no unit file '" + unit + "' in " + String.join(", ", UNIT_DIRS));
        }
        Path target = Path.of("/" + dir + "/" + fileName);
        List<String> lines = Files.readAllLines(file);
        String linkName = unit;
        if (at > 0 && at == dot - 1) {
            // A template: systemctl enables its DefaultInstance.
            String instanceName = installValue(lines, "DefaultInstance");
            if (instanceName == null) {
                throw new ComposeException("units: " + unit + " is a template without DefaultInstance=; name an instance");
            }
            linkName = unit.substring(0, at + 1) + instanceName + unit.substring(dot);
        }
        boolean install = false;
        boolean any = false;
        for (String raw : lines) {
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
                    case "WantedBy" -> link(root, "etc/systemd/system/" + value + ".wants/" + linkName, target);
                    case "RequiredBy" -> link(root, "etc/systemd/system/" + value + ".requires/" + linkName, target);
                    case "Alias" -> link(root, "etc/systemd/system/" + value, target);
                    case "Also" -> enable(root, value, done);
                    case "DefaultInstance" -> {
                        continue;
                    }
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

    private static String installValue(List<String> lines, String key) {
        boolean install = false;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("[")) {
                install = line.equals("[Install]");
            } else if (install && line.startsWith(key + "=")) {
                return line.substring(key.length() + 1).strip();
            }
        }
        return null;
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
