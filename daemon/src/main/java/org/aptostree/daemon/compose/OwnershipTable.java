package org.aptostree.daemon.compose;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The owners of a staged tree, kept apart from the disk so that a compose needs no root: files on disk
 * belong to whoever runs the compose, and this table says who owns them in the image. It is filled from
 * the packages' tar headers (as {@code dpkg --unpack} chowns), then from what the maintainer scripts asked
 * {@code chown}/{@code chgrp} to do (recorded in the sandbox) and from dpkg's statoverride file. A path not
 * in the table belongs to root, as everything a script creates in the sandbox does.
 */
final class OwnershipTable {
    /** Absolute path in the tree → {uid, gid}. */
    private final Map<String, int[]> owners = new HashMap<>();

    /** Root is recorded too: in a tree built on a base, an unknown path takes the base's owner, not root. */
    void set(String path, int uid, int gid) {
        owners.put(path, new int[] {uid, gid});
    }

    /** The {uid, gid} of an absolute path in the tree. */
    int[] owner(String path) {
        int[] o = owners.get(path);
        return o != null ? o : new int[] {0, 0};
    }

    /** The {uid, gid} the table was told for {@code path}; empty where it knows nothing (which means root in a compose). */
    java.util.Optional<int[]> known(String path) {
        return java.util.Optional.ofNullable(owners.get(path));
    }

    /** The paths the table knows. */
    java.util.Set<String> paths() {
        return java.util.Collections.unmodifiableSet(owners.keySet());
    }

    /** Renames every entry at or below {@code from} to the same place below {@code to} (a layout move). */
    void move(String from, String to) {
        List<String> moved = new ArrayList<>();
        for (String p : owners.keySet()) {
            if (p.equals(from) || p.startsWith(from + "/")) {
                moved.add(p);
            }
        }
        for (String p : moved) {
            owners.put(to + p.substring(from.length()), owners.remove(p));
        }
    }

    /** Forgets {@code path} and everything below it. */
    void forget(String path) {
        owners.keySet().removeIf(p -> p.equals(path) || p.startsWith(path + "/"));
    }

    /** The user and group names of a staged tree ({@code etc/passwd}, {@code etc/group}). */
    record Accounts(Map<String, int[]> users, Map<String, Integer> groups) {
        static Accounts of(Path root) throws IOException {
            Map<String, int[]> users = new HashMap<>();
            for (String[] f : entries(root.resolve("etc/passwd"))) {
                if (f.length >= 4) {
                    users.put(f[0], new int[] {Integer.parseInt(f[2]), Integer.parseInt(f[3])});
                }
            }
            Map<String, Integer> groups = new HashMap<>();
            for (String[] f : entries(root.resolve("etc/group"))) {
                if (f.length >= 3) {
                    groups.put(f[0], Integer.parseInt(f[2]));
                }
            }
            return new Accounts(users, groups);
        }

        private static List<String[]> entries(Path file) throws IOException {
            if (!Files.isRegularFile(file)) {
                return List.of();
            }
            List<String[]> out = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(line.split(":", -1));
                }
            }
            return out;
        }

        /** A user name or number, as chown takes it; -1 when unknown. */
        int uid(String name) {
            if (name.startsWith("#") || name.chars().allMatch(Character::isDigit)) {
                return Integer.parseInt(name.startsWith("#") ? name.substring(1) : name);
            }
            int[] u = users.get(name);
            return u == null ? -1 : u[0];
        }

        /** A group name or number; -1 when unknown. */
        int gid(String name) {
            if (name.startsWith("#") || name.chars().allMatch(Character::isDigit)) {
                return Integer.parseInt(name.startsWith("#") ? name.substring(1) : name);
            }
            Integer g = groups.get(name);
            return g == null ? -1 : g;
        }

        /** The login group of a user; -1 when unknown. */
        int loginGroup(String user) {
            int[] u = users.get(user);
            return u == null ? -1 : u[1];
        }
    }

    /**
     * Applies {@code var/lib/dpkg/statoverride} ({@code USER GROUP MODE PATH} per line), owners to the table
     * and modes to the disk, as dpkg applies overrides when it installs a file.
     */
    void applyStatOverrides(Path root, Path statoverride, Accounts accounts) throws IOException {
        if (!Files.isRegularFile(statoverride)) {
            return;
        }
        int n = 0;
        for (String line : Files.readAllLines(statoverride, StandardCharsets.UTF_8)) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.strip().split("\\s+", 4);
            if (f.length != 4) {
                throw new IOException(statoverride + ":" + n + ": not 'USER GROUP MODE PATH'");
            }
            int uid = accounts.uid(f[0]);
            int gid = accounts.gid(f[1]);
            if (uid < 0 || gid < 0) {
                throw new IOException(statoverride + ":" + n + ": unknown user or group in '" + line + "'");
            }
            Path target = root.resolve(f[3].substring(1));
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                set(f[3], uid, gid);
                if (!Files.isSymbolicLink(target)) {
                    Files.setAttribute(target, "unix:mode", Integer.parseInt(f[2], 8), LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }

    /** Every path at or below {@code start} (not following symlinks), absolute in the tree. */
    static List<String> walk(Path root, Path start) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(start)) {
            s.forEach(p -> out.add("/" + root.relativize(p)));
        }
        return out;
    }
}
