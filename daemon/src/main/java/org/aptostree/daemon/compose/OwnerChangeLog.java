package org.aptostree.daemon.compose;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The {@code chown} and {@code chgrp} calls maintainer scripts made in the sandbox, where the real commands
 * are replaced by {@link #RECORDER} (an unprivileged user namespace cannot give files to other users). Each
 * call is one record: the command, its working directory, the package whose script ran it, the number of
 * arguments and the arguments, every field NUL-terminated (arguments may be empty, so a count rather than a
 * terminator delimits them). Replayed in order onto an
 * {@link OwnershipTable} after configuration, with the names of the tree's own {@code passwd} and
 * {@code group}, as GNU chown would have applied them.
 */
final class OwnerChangeLog {
    /** Where the log is inside the sandbox. */
    static final String LOG = "/run/aptostree/owner-changes";

    /** The stand-in for chown and chgrp: records the call and succeeds. */
    static final String RECORDER = """
            #!/bin/sh
            # apt-ostree compose: records ownership changes for the image (the sandbox cannot make them).
            {
              printf '%s\\0%s\\0%s\\0%s\\0' "${0##*/}" "$PWD" "${DPKG_MAINTSCRIPT_PACKAGE:-}" "$#"
              for arg in "$@"; do printf '%s\\0' "$arg"; done
            } >> %LOG%
            """.replace("%LOG%", LOG);

    private OwnerChangeLog() {
    }

    /** Replays the log onto {@code table}. */
    static void apply(Path log, Path root, OwnershipTable table) throws IOException {
        if (!Files.isRegularFile(log)) {
            return;
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        OwnershipTable.Accounts accounts = OwnershipTable.Accounts.of(root);
        List<String> fields = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == 0) {
                fields.add(text.substring(start, i));
                start = i + 1;
            }
        }
        if (start != text.length()) {
            throw new IOException(log + ": the ownership log ends in the middle of a field");
        }
        for (int at = 0; at < fields.size(); ) {
            if (at + 4 > fields.size() || !fields.get(at + 3).matches("\\d{1,6}")) {
                throw new IOException(log + ": damaged ownership log at field " + at);
            }
            int count = Integer.parseInt(fields.get(at + 3));
            if (at + 4 + count > fields.size()) {
                throw new IOException(log + ": damaged ownership log at field " + at);
            }
            List<String> call = new ArrayList<>(fields.subList(at, at + 3));
            call.addAll(fields.subList(at + 4, at + 4 + count));
            replay(call, root, table, accounts);
            at += 4 + count;
        }
    }

    private static void replay(List<String> call, Path root, OwnershipTable table, OwnershipTable.Accounts accounts)
            throws IOException {
        String command = call.get(0);
        String cwd = call.get(1);
        String where = "maintainer script of " + (call.get(2).isEmpty() ? "an unknown package" : call.get(2)) + ": "
                + String.join(" ", call.subList(0, 1)) + " " + String.join(" ", call.subList(3, call.size()));
        boolean recursive = false;
        Boolean dereference = null;
        boolean followOperands = false;
        String reference = null;
        List<String> operands = new ArrayList<>();
        boolean options = true;
        for (String a : call.subList(3, call.size())) {
            if (options && a.equals("--")) {
                options = false;
            } else if (options && a.startsWith("--")) {
                switch (a.contains("=") ? a.substring(0, a.indexOf('=')) : a) {
                    case "--recursive" -> recursive = true;
                    case "--no-dereference" -> dereference = false;
                    case "--dereference" -> dereference = true;
                    case "--reference" -> reference = a.substring(a.indexOf('=') + 1);
                    case "--silent", "--quiet", "--verbose", "--changes", "--preserve-root", "--no-preserve-root" -> { }
                    default -> throw new IOException(where + ": option " + a + " is not supported in a compose");
                }
            } else if (options && a.startsWith("-") && a.length() > 1) {
                for (char c : a.substring(1).toCharArray()) {
                    switch (c) {
                        case 'R' -> recursive = true;
                        case 'h' -> dereference = false;
                        case 'H', 'L' -> followOperands = true;
                        case 'P' -> followOperands = false;
                        case 'f', 'v', 'c' -> { }
                        default -> throw new IOException(where + ": option -" + c + " is not supported in a compose");
                    }
                }
            } else {
                operands.add(a);
            }
        }
        // GNU chown follows a symlink operand unless -h; with -R (whose default is -P) only when -H or -L says so.
        boolean follow = dereference != null ? dereference && (!recursive || followOperands) : !recursive || followOperands;
        int uid = -1;
        int gid = -1;
        List<String> files;
        if (reference != null) {
            int[] ref = table.owner(absolute(cwd, reference));
            uid = command.equals("chgrp") ? -1 : ref[0];
            gid = ref[1];
            files = operands;
        } else {
            if (operands.isEmpty()) {
                throw new IOException(where + ": missing operand");
            }
            String spec = operands.get(0);
            files = operands.subList(1, operands.size());
            if (command.equals("chgrp")) {
                gid = group(accounts, spec, where);
            } else {
                int colon = spec.indexOf(':') >= 0 ? spec.indexOf(':') : spec.indexOf('.');
                String user = colon >= 0 ? spec.substring(0, colon) : spec;
                String group = colon >= 0 ? spec.substring(colon + 1) : null;
                if (!user.isEmpty()) {
                    uid = id(() -> accounts.uid(user), user, where);
                }
                if (group != null && !group.isEmpty()) {
                    gid = group(accounts, group, where);
                } else if (group != null && !user.isEmpty()) {
                    gid = accounts.loginGroup(user);
                }
            }
        }
        for (String f : files) {
            if (f.isEmpty()) {
                continue;
            }
            String path = absolute(cwd, f);
            // Every directory on the way is resolved inside the tree (never on the host); the last component only
            // when the call follows symlinks.
            int slash = path.lastIndexOf('/');
            String parent = slash == 0 ? "/" : resolveInRoot(root, path.substring(0, slash), where);
            path = (parent.equals("/") ? "" : parent) + path.substring(slash);
            Path onDisk = root.resolve(path.substring(1));
            if (follow && Files.isSymbolicLink(onDisk)) {
                path = resolveInRoot(root, path, where);
                onDisk = root.resolve(path.substring(1));
            }
            if (!Files.exists(onDisk, LinkOption.NOFOLLOW_LINKS)) {
                // A temporary file the script renamed or removed afterwards (chown --reference=F F.tmp; mv F.tmp F).
                continue;
            }
            List<String> targets = recursive && Files.isDirectory(onDisk, LinkOption.NOFOLLOW_LINKS)
                    ? OwnershipTable.walk(root, onDisk) : List.of(path);
            for (String t : targets) {
                int[] old = table.owner(t);
                table.set(t, uid >= 0 ? uid : old[0], gid >= 0 ? gid : old[1]);
            }
        }
    }

    /** Follows symlinks as the chrooted command would: absolute targets start again at the tree's root. */
    static String resolveInRoot(Path root, String path, String where) throws IOException {
        List<String> pending = new ArrayList<>(List.of(path.substring(1).split("/")));
        List<String> resolved = new ArrayList<>();
        int hops = 0;
        while (!pending.isEmpty()) {
            String c = pending.remove(0);
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (!resolved.isEmpty()) {
                    resolved.remove(resolved.size() - 1);
                }
                continue;
            }
            Path current = root.resolve(String.join("/", resolved)).resolve(c);
            if (Files.isSymbolicLink(current)) {
                if (++hops > 40) {
                    throw new IOException(where + ": too many levels of symbolic links in '" + path + "'");
                }
                String target = Files.readSymbolicLink(current).toString();
                if (target.startsWith("/")) {
                    resolved.clear();
                }
                pending.addAll(0, List.of(target.split("/")));
            } else {
                resolved.add(c);
            }
        }
        return "/" + String.join("/", resolved);
    }

    private static int group(OwnershipTable.Accounts accounts, String name, String where) throws IOException {
        try {
            int gid = accounts.gid(name);
            if (gid < 0) {
                throw new IOException(where + ": invalid group: '" + name + "'");
            }
            return gid;
        } catch (NumberFormatException e) {
            throw new IOException(where + ": invalid group: '" + name + "'");
        }
    }

    private static int id(IntSupplier lookup, String name, String where) throws IOException {
        try {
            int uid = lookup.getAsInt();
            if (uid < 0) {
                throw new IOException(where + ": invalid user: '" + name + "'");
            }
            return uid;
        } catch (NumberFormatException e) {
            throw new IOException(where + ": invalid user: '" + name + "'");
        }
    }

    private static String absolute(String cwd, String path) {
        Path p = Path.of(path.startsWith("/") ? path : cwd + "/" + path).normalize();
        String s = p.toString();
        return s.startsWith("/") ? s : "/" + s;
    }
}
