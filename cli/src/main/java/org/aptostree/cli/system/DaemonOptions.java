package org.aptostree.cli.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.daemon.dbus.Values;
import org.freedesktop.dbus.types.Variant;

/** An {@code a{sv}} of options for a daemon method, holding only what was set (the daemon's defaults are the CLI's). */
final class DaemonOptions {
    private final Map<String, Variant<?>> map = new LinkedHashMap<>();

    DaemonOptions flag(String key, boolean value) {
        if (value) {
            map.put(key, Values.variant(true, "b"));
        }
        return this;
    }

    DaemonOptions string(String key, String value) {
        if (value != null) {
            map.put(key, Values.variant(value, "s"));
        }
        return this;
    }

    DaemonOptions strings(String key, List<String> values) {
        if (!values.isEmpty()) {
            map.put(key, Values.variant(List.copyOf(values), "as"));
        }
        return this;
    }

    DaemonOptions integer(String key, Integer value) {
        if (value != null) {
            map.put(key, Values.variant(value, "i"));
        }
        return this;
    }

    /** Local .deb files, read here (as the caller) and sent as bytes: the daemon never opens a path it is given. */
    DaemonOptions files(String key, List<Path> debs) {
        if (!debs.isEmpty()) {
            map.put(key, Values.variant(contents(debs), "aay"));
        }
        return this;
    }

    /** The command line, for the daemon's record of who asked. */
    DaemonOptions described() {
        return string("initiating-command-line", TransactionRunner.commandLine());
    }

    Map<String, Variant<?>> map() {
        return map;
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
