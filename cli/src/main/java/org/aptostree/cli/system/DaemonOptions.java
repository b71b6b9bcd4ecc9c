package org.aptostree.cli.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.daemon.dbus.Values;
import org.freedesktop.dbus.types.Variant;

/** An {@code a{sv}} of options for a daemon method, holding only what was set (the daemon's defaults are the CLI's). */
final class DaemonOptions {
    /** Each value made when {@link #map} is asked for: D-Bus values cost a few hundred classes, which direct mode never uses. */
    private final Map<String, Supplier<Variant<?>>> map = new LinkedHashMap<>();

    DaemonOptions flag(String key, boolean value) {
        if (value) {
            map.put(key, () -> Values.variant(true, "b"));
        }
        return this;
    }

    DaemonOptions string(String key, String value) {
        if (value != null) {
            map.put(key, () -> Values.variant(value, "s"));
        }
        return this;
    }

    DaemonOptions strings(String key, List<String> values) {
        if (!values.isEmpty()) {
            List<String> copy = List.copyOf(values);
            map.put(key, () -> Values.variant(copy, "as"));
        }
        return this;
    }

    DaemonOptions integer(String key, Integer value) {
        if (value != null) {
            map.put(key, () -> Values.variant(value, "i"));
        }
        return this;
    }

    /** Local .deb files, read here (as the caller) and sent as bytes: the daemon never opens a path it is given. */
    DaemonOptions files(String key, List<Path> debs) {
        if (!debs.isEmpty()) {
            List<Path> files = List.copyOf(debs);
            map.put(key, () -> Values.variant(contents(files), "aay"));
        }
        return this;
    }

    /** The command line, for the daemon's record of who asked. */
    DaemonOptions described() {
        return string("initiating-command-line", TransactionRunner.commandLine());
    }

    Map<String, Variant<?>> map() {
        Map<String, Variant<?>> out = new LinkedHashMap<>();
        map.forEach((key, value) -> out.put(key, value.get()));
        return out;
    }

    static List<byte[]> contents(List<Path> debs) {
        List<byte[]> out = new ArrayList<>();
        for (Path p : debs) {
            try {
                out.add(Files.readAllBytes(p));
            } catch (IOException e) {
                throw new ExitCodeException(1, "cannot read " + p + ": " + e.getMessage());
            }
        }
        return out;
    }
}
