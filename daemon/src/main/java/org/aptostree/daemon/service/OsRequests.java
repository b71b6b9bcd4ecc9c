package org.aptostree.daemon.service;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.aptostree.daemon.dbus.BusException;
import org.aptostree.daemon.dbus.BusObjects.Call;
import org.aptostree.daemon.dbus.Values;
import org.aptostree.daemon.system.PackageRequest;
import org.aptostree.daemon.system.SystemRoot;
import org.aptostree.daemon.transaction.AutomaticUpdateTransaction;
import org.aptostree.daemon.transaction.CleanupTransaction;
import org.aptostree.daemon.transaction.Initiator;
import org.aptostree.daemon.transaction.KernelArgsEdit;
import org.aptostree.daemon.transaction.KernelArgsTransaction;
import org.aptostree.daemon.transaction.RefreshMetadataTransaction;
import org.aptostree.daemon.transaction.RollbackTransaction;
import org.aptostree.daemon.transaction.Transaction;
import org.aptostree.daemon.transaction.TransactionException;
import org.aptostree.daemon.transaction.UpdateDeploymentTransaction;
import org.aptostree.deb.archive.DebReader;

/**
 * What a mutating OS method asks for, checked before anything is queued: the transaction to run, the polkit
 * actions it needs, and its title. Every argument is checked here (names, counts, option keys and types, the local
 * packages' bytes), so a bad call is refused with the argument named and never becomes a transaction.
 */
final class OsRequests {
    static final String ERROR_PREFIX = "org.aptostree.dev.Error.";
    /** More names than any layering asks for; a call with more is a mistake or an attack on the daemon's memory. */
    static final int MAX_NAMES = 4096;

    private static final Map<String, String> COMMON = Map.of("os", "s", "dry-run", "b", "cache-only", "b", "download-only", "b",
            "initiating-command-line", "s");

    /** Makes the transaction, once the caller is known and authorized. */
    @FunctionalInterface
    interface TransactionFactory {
        Transaction create(Initiator initiator);
    }

    /**
     * A checked request.
     *
     * @param described  how the caller described itself (initiating-command-line), or empty
     * @param localFiles the local packages' bytes, written to the daemon's own files (removed after the transaction)
     */
    record Request(String title, List<String> actions, Optional<String> os, Optional<String> described, TransactionFactory factory,
            List<Path> localFiles) {
    }

    private OsRequests() {
    }

    static BusException invalid(String message) {
        return new BusException(ERROR_PREFIX + "InvalidArgument", message);
    }

    /** Whether {@code method} of the OS interface queues a transaction. */
    static boolean isMutating(String method) {
        return switch (method) {
            case "install_packages", "remove_packages", "upgrade_system", "rollback", "deploy", "rebase", "override_remove",
                    "override_replace", "override_reset", "reset", "kargs", "cleanup", "refresh_md", "update_deployment",
                    "automatic_update_trigger" -> true;
            default -> false;
        };
    }

    /** The options a mutating method takes: the common ones and its own. */
    private static Map<String, String> allowed(String method) {
        Map<String, String> m = new LinkedHashMap<>(COMMON);
        switch (method) {
            case "install_packages" -> {
                m.put("idempotent-layering", "b");
                m.put("allow-inactive-requests", "b");
                m.put("force-replacefiles", "b");
                m.put("local-packages", "aay");
            }
            case "remove_packages" -> {
                m.put("idempotent-layering", "b");
                m.put("all", "b");
            }
            case "upgrade_system" -> {
                m.put("allow-downgrade", "b");
                m.put("check-only", "b");
            }
            case "deploy" -> m.put("allow-downgrade", "b");
            case "rebase" -> m.put("revision", "s");
            case "override_reset" -> m.put("all", "b");
            case "reset" -> {
                m.put("overlays", "b");
                m.put("overrides", "b");
            }
            case "update_deployment" -> {
                m.put("no-pull-base", "b");
                m.put("allow-downgrade", "b");
                m.put("idempotent-layering", "b");
                m.put("allow-inactive-requests", "b");
                m.put("force-replacefiles", "b");
                m.put("check-only", "b");
            }
            case "rollback", "kargs", "cleanup", "refresh_md", "automatic_update_trigger" -> {
                m.clear();
                m.put("os", "s");
                m.put("initiating-command-line", "s");
                switch (method) {
                    case "kargs" -> {
                        for (String k : List.of("append", "replace", "delete", "append-if-missing", "delete-if-present")) {
                            m.put(k, "as");
                        }
                        m.put("deploy-index", "i");
                    }
                    case "cleanup" -> {
                        for (String k : List.of("pending", "rollback", "base", "repomd")) {
                            m.put(k, "b");
                        }
                    }
                    case "refresh_md" -> m.put("force", "b");
                    default -> { }
                }
            }
            default -> { }
        }
        return m;
    }

    private static final Map<String, String> MODIFIERS = Map.ofEntries(Map.entry("set-refspec", "s"), Map.entry("set-revision", "s"),
            Map.entry("install-packages", "as"), Map.entry("install-local-packages", "aay"), Map.entry("uninstall-packages", "as"),
            Map.entry("uninstall-all", "b"), Map.entry("override-remove-packages", "as"),
            Map.entry("override-replace-local-packages", "aay"), Map.entry("override-reset-packages", "as"),
            Map.entry("override-reset-all", "b"), Map.entry("reset-overlays", "b"), Map.entry("reset-overrides", "b"));

    /** Checks a call of a mutating method; {@code system} is where local packages are written. */
    static Request parse(Call call, SystemRoot system) throws BusException {
        String method = call.method().name();
        Object[] a = call.args();
        int optionsIndex = call.method().in().size() - 1;
        CallOptions o = CallOptions.check(method, call.argName(optionsIndex),
                method.equals("update_deployment") ? a[1] : a[optionsIndex], allowed(method));
        Optional<String> os = o.nonEmptyString("os");
        Optional<String> described = o.string("initiating-command-line");
        List<Path> files = new ArrayList<>();
        try {
            Request r = switch (method) {
                case "install_packages" -> {
                    List<String> names = names(call, 0, true);
                    List<Path> local = localPackages(method, call.argName(1) + "': 'local-packages", o.blobs("local-packages"), system, os, files);
                    if (names.isEmpty() && local.isEmpty()) {
                        throw invalid(method + ": argument 'packages': no package given (and no local-packages)");
                    }
                    yield deployment(method, "install " + String.join(" ", concat(names, local)), List.of("install-uninstall-packages"),
                            UpdateDeploymentTransaction.Changes.none().withInstall(names, local), layering(o, false, false), os, described, system, files);
                }
                case "remove_packages" -> {
                    List<String> names = names(call, 0, false);
                    boolean all = o.flag("all");
                    if (names.isEmpty() && !all) {
                        throw invalid(method + ": argument 'packages': no package given (or option all=true)");
                    }
                    yield deployment(method, "uninstall " + (all ? "--all" : String.join(" ", names)), List.of("install-uninstall-packages"),
                            UpdateDeploymentTransaction.Changes.none().withUninstall(names, all), layering(o, false, false), os, described, system, files);
                }
                case "upgrade_system" -> deployment(method, "upgrade", List.of("upgrade"),
                        UpdateDeploymentTransaction.Changes.none().withBase(Optional.empty(), Optional.empty(), true),
                        // An upgrade keeps requests the new base fulfils (inactive) rather than failing on them.
                        new UpdateDeploymentTransaction.Options(o.flag("allow-downgrade"), o.flag("dry-run"), o.flag("cache-only"),
                                o.flag("download-only"), false, true, false, o.flag("check-only")), os, described, system, files);
                case "deploy" -> {
                    String revision = nonEmpty(call, 0);
                    yield deployment(method, "deploy " + revision, List.of("deploy"),
                            UpdateDeploymentTransaction.Changes.none().withBase(Optional.empty(), Optional.of(revision), true),
                            baseChange(o), os, described, system, files);
                }
                case "rebase" -> {
                    String refspec = nonEmpty(call, 0);
                    yield deployment(method, "rebase " + refspec, List.of("rebase"),
                            UpdateDeploymentTransaction.Changes.none().withBase(Optional.of(refspec), o.nonEmptyString("revision"), true),
                            baseChange(o), os, described, system, files);
                }
                case "override_remove" -> {
                    List<String> names = names(call, 0, false);
                    if (names.isEmpty()) {
                        throw invalid(method + ": argument 'packages': no package given");
                    }
                    yield deployment(method, "override remove " + String.join(" ", names), List.of("override"),
                            UpdateDeploymentTransaction.Changes.none().withOverrides(names, List.of(), List.of(), false), layering(o, false, false),
                            os, described, system, files);
                }
                case "override_replace" -> {
                    List<byte[]> blobs = new ArrayList<>();
                    for (Object b : Values.list(a[0])) {
                        blobs.add(Values.bytes(b));
                    }
                    if (blobs.isEmpty()) {
                        throw invalid(method + ": argument 'packages': no package given");
                    }
                    List<Path> local = localPackages(method, call.argName(0), blobs, system, os, files);
                    yield deployment(method, "override replace " + String.join(" ", concat(List.of(), local)), List.of("override"),
                            UpdateDeploymentTransaction.Changes.none().withOverrides(List.of(), local, List.of(), false), layering(o, false, false),
                            os, described, system, files);
                }
                case "override_reset" -> {
                    List<String> names = names(call, 0, false);
                    boolean all = o.flag("all");
                    if (names.isEmpty() && !all) {
                        throw invalid(method + ": argument 'packages': no package given (or option all=true)");
                    }
                    yield deployment(method, "override reset " + (all ? "--all" : String.join(" ", names)), List.of("override"),
                            UpdateDeploymentTransaction.Changes.none().withOverrides(List.of(), List.of(), names, all), layering(o, false, false),
                            os, described, system, files);
                }
                case "reset" -> {
                    boolean overlays = o.flag("overlays");
                    boolean overrides = o.flag("overrides");
                    boolean both = !overlays && !overrides;
                    List<String> actions = new ArrayList<>();
                    if (both || overlays) {
                        actions.add("install-uninstall-packages");
                    }
                    if (both || overrides) {
                        actions.add("override");
                    }
                    yield deployment(method, "reset", actions,
                            UpdateDeploymentTransaction.Changes.none().withReset(both || overlays, both || overrides), layering(o, false, false),
                            os, described, system, files);
                }
                case "update_deployment" -> updateDeployment(call, o, os, described, system, files);
                case "automatic_update_trigger" -> new Request("automatic update", List.of("upgrade"), os, described,
                        initiator -> new AutomaticUpdateTransaction(initiator, open(system, os)), List.of());
                case "rollback" -> new Request("rollback", List.of("rollback"), os, described,
                        initiator -> new RollbackTransaction(initiator, open(system, os)), List.of());
                case "kargs" -> {
                    KernelArgsEdit edit = new KernelArgsEdit(o.strings("append"), o.strings("replace"), o.strings("delete"),
                            o.strings("append-if-missing"), o.strings("delete-if-present"));
                    if (edit.isEmpty()) {
                        throw invalid(method + ": argument 'options': no change given (append, replace, delete, append-if-missing or"
                                + " delete-if-present); show_kernel_args reads them");
                    }
                    for (String k : List.of("append", "replace", "delete", "append-if-missing", "delete-if-present")) {
                        for (String arg : o.strings(k)) {
                            if (arg.isBlank() || arg.chars().anyMatch(Character::isWhitespace)) {
                                throw invalid(method + ": argument 'options': '" + k + "' has '" + arg + "', which is not one kernel argument");
                            }
                        }
                    }
                    Optional<Integer> index = o.integer("deploy-index");
                    yield new Request("kargs", List.of("bootconfig"), os, described,
                            initiator -> new KernelArgsTransaction(initiator, open(system, os), index, edit), List.of());
                }
                case "cleanup" -> {
                    CleanupTransaction.What what = new CleanupTransaction.What(o.flag("pending"), o.flag("rollback"), o.flag("base"),
                            o.flag("repomd"));
                    if (!what.any()) {
                        throw invalid(method + ": argument 'options': at least one of pending, rollback, base or repomd must be true");
                    }
                    yield new Request("cleanup", List.of("cleanup"), os, described,
                            initiator -> new CleanupTransaction(initiator, open(system, os), what), List.of());
                }
                case "refresh_md" -> {
                    boolean force = o.flag("force");
                    yield new Request("refresh-md", List.of("repo-refresh"), os, described,
                            initiator -> new RefreshMetadataTransaction(initiator, open(system, os), force), List.of());
                }
                default -> throw new IllegalArgumentException("not a mutating method: " + method);
            };
            return r;
        } catch (BusException | RuntimeException e) {
            deleteQuietly(files);
            throw e;
        }
    }

    private static Request updateDeployment(Call call, CallOptions o, Optional<String> os, Optional<String> described, SystemRoot system,
            List<Path> files) throws BusException {
        String method = "update_deployment";
        CallOptions m = CallOptions.check(method, call.argName(0), call.args()[0], MODIFIERS);
        List<String> install = checkedNames(method, "modifiers': 'install-packages", m.strings("install-packages"), true);
        List<String> uninstall = checkedNames(method, "modifiers': 'uninstall-packages", m.strings("uninstall-packages"), false);
        List<String> overrideRemove = checkedNames(method, "modifiers': 'override-remove-packages", m.strings("override-remove-packages"), false);
        List<String> overrideReset = checkedNames(method, "modifiers': 'override-reset-packages", m.strings("override-reset-packages"), false);
        List<Path> local = localPackages(method, "modifiers': 'install-local-packages", m.blobs("install-local-packages"), system, os, files);
        List<Path> replace = localPackages(method, "modifiers': 'override-replace-local-packages", m.blobs("override-replace-local-packages"),
                system, os, files);
        Optional<String> refspec = m.nonEmptyString("set-refspec");
        Optional<String> revision = m.nonEmptyString("set-revision");
        boolean pull = !o.flag("no-pull-base");
        UpdateDeploymentTransaction.Changes changes = UpdateDeploymentTransaction.Changes.none()
                .withInstall(install, local).withUninstall(uninstall, m.flag("uninstall-all"))
                .withOverrides(overrideRemove, replace, overrideReset, m.flag("override-reset-all"))
                .withReset(m.flag("reset-overlays"), m.flag("reset-overrides"))
                .withBase(refspec, revision, pull || refspec.isPresent() || revision.isPresent());
        LinkedHashSet<String> actions = new LinkedHashSet<>();
        List<String> title = new ArrayList<>();
        if (refspec.isPresent()) {
            actions.add("rebase");
            title.add("rebase " + refspec.get());
        } else if (revision.isPresent()) {
            actions.add("deploy");
            title.add("deploy " + revision.get());
        } else if (pull) {
            actions.add("upgrade");
            title.add("upgrade");
        }
        if (!install.isEmpty() || !local.isEmpty()) {
            actions.add("install-uninstall-packages");
            title.add("install " + String.join(" ", concat(install, local)));
        }
        if (!uninstall.isEmpty() || m.flag("uninstall-all")) {
            actions.add("install-uninstall-packages");
            title.add("uninstall " + (m.flag("uninstall-all") ? "--all" : String.join(" ", uninstall)));
        }
        if (!overrideRemove.isEmpty() || !replace.isEmpty() || !overrideReset.isEmpty() || m.flag("override-reset-all")) {
            actions.add("override");
            title.add("override");
        }
        if (m.flag("reset-overlays")) {
            actions.add("install-uninstall-packages");
        }
        if (m.flag("reset-overrides")) {
            actions.add("override");
        }
        if (m.flag("reset-overlays") || m.flag("reset-overrides")) {
            title.add("reset");
        }
        if (actions.isEmpty()) {
            throw invalid(method + ": argument 'modifiers': nothing to change (and no-pull-base is set)");
        }
        UpdateDeploymentTransaction.Options options = new UpdateDeploymentTransaction.Options(o.flag("allow-downgrade"), o.flag("dry-run"),
                o.flag("cache-only"), o.flag("download-only"), o.flag("idempotent-layering"), o.flag("allow-inactive-requests"),
                o.flag("force-replacefiles"), o.flag("check-only"));
        return deployment(method, String.join(", ", title), List.copyOf(actions), changes, options, os, described, system, files);
    }

    private static Request deployment(String method, String title, List<String> actions, UpdateDeploymentTransaction.Changes changes,
            UpdateDeploymentTransaction.Options options, Optional<String> os, Optional<String> described, SystemRoot system, List<Path> files) {
        return new Request(title, actions, os, described,
                initiator -> new UpdateDeploymentTransaction(title, initiator, open(system, os), changes, options), List.copyOf(files));
    }

    /** The options of the layering verbs, as the CLI's verbs set them. */
    private static UpdateDeploymentTransaction.Options layering(CallOptions o, boolean allowDowngrade, boolean checkOnly) {
        return new UpdateDeploymentTransaction.Options(allowDowngrade, o.flag("dry-run"), o.flag("cache-only"), o.flag("download-only"),
                o.flag("idempotent-layering"), o.flag("allow-inactive-requests"), o.flag("force-replacefiles"), checkOnly);
    }

    /** deploy and rebase keep inactive requests and may go to an older commit (the revision is chosen). */
    private static UpdateDeploymentTransaction.Options baseChange(CallOptions o) {
        return new UpdateDeploymentTransaction.Options(true, o.flag("dry-run"), o.flag("cache-only"), o.flag("download-only"), false, true,
                false, false);
    }

    /** The stateroot option applied to the daemon's system; checked before queueing, so unknown ones never get there. */
    private static SystemRoot open(SystemRoot system, Optional<String> os) {
        if (os.isEmpty()) {
            return system;
        }
        try {
            return SystemRoot.open(system.path(), os);
        } catch (TransactionException e) {
            throw new IllegalStateException("the system was an OSTree system a moment ago: " + e.getMessage(), e);
        }
    }

    private static String nonEmpty(Call call, int index) throws BusException {
        String s = (String) call.args()[index];
        if (s.isBlank()) {
            throw invalid(call.method().name() + ": argument '" + call.argName(index) + "' is empty");
        }
        return s;
    }

    private static List<String> names(Call call, int index, boolean install) throws BusException {
        return checkedNames(call.method().name(), call.argName(index), Values.strings(call.args()[index]), install);
    }

    /**
     * Package names as requested: at most {@link #MAX_NAMES}, each well formed; a path is refused, since the daemon
     * never opens a file a caller names.
     */
    static List<String> checkedNames(String method, String argument, List<String> names, boolean install) throws BusException {
        if (names.size() > MAX_NAMES) {
            throw invalid(method + ": argument '" + argument + "': " + names.size() + " names in one call; at most " + MAX_NAMES);
        }
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            if (n.isBlank()) {
                throw invalid(method + ": argument '" + argument + "': the name at index " + i + " is empty");
            }
            if (n.contains("/") || n.endsWith(".deb")) {
                throw invalid(method + ": argument '" + argument + "': '" + n + "' is a file, which the daemon does not open for callers;"
                        + (install ? " send the .deb's bytes in the option local-packages (aay)" : " name the package"));
            }
            try {
                PackageRequest.parse(n);
            } catch (TransactionException e) {
                throw invalid(method + ": argument '" + argument + "': " + e.getMessage());
            }
        }
        return List.copyOf(names);
    }

    /**
     * Local packages sent as bytes: each must be a .deb; written to the daemon's own directory (0700) in the
     * stateroot's state directory, where the transaction reads them.
     */
    private static List<Path> localPackages(String method, String argument, List<byte[]> blobs, SystemRoot system, Optional<String> os,
            List<Path> files) throws BusException {
        if (blobs.size() > MAX_NAMES) {
            throw invalid(method + ": argument '" + argument + "': " + blobs.size() + " packages in one call; at most " + MAX_NAMES);
        }
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < blobs.size(); i++) {
            byte[] deb = blobs.get(i);
            String name;
            try (DebReader r = DebReader.open(new ByteArrayInputStream(deb))) {
                var control = r.control().control();
                name = control.get("Package").orElse("?") + "_" + control.get("Version").orElse("?") + "_"
                        + control.get("Architecture").orElse("?");
            } catch (IOException e) {
                throw invalid(method + ": argument '" + argument + "': the package at index " + i + " is not a .deb: " + e.getMessage());
            }
            try {
                Path dir = incoming(system, os);
                Path f = Files.createTempFile(dir, name + ".", ".deb");
                files.add(f);
                Files.write(f, deb);
                out.add(f);
            } catch (IOException | TransactionException e) {
                throw new BusException(ERROR_PREFIX + "Failed", "cannot store the local package " + name + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static Path incoming(SystemRoot system, Optional<String> os) throws IOException, TransactionException {
        SystemRoot s = os.isPresent() ? SystemRoot.open(system.path(), os) : system;
        Path dir = s.stateDirectory(s.osname(s.load())).resolve("daemon/incoming");
        Files.createDirectories(dir.getParent());
        if (!Files.isDirectory(dir)) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return dir;
    }

    /** The names and the local files (by their package_version_arch names) of a title. */
    private static List<String> concat(List<String> names, List<Path> local) {
        List<String> out = new ArrayList<>(names);
        for (Path p : local) {
            String f = p.getFileName().toString();
            int dot = f.lastIndexOf('.', f.length() - ".deb".length() - 1);
            out.add(dot > 0 ? f.substring(0, dot) + ".deb" : f);
        }
        return out;
    }

    static void deleteQuietly(List<Path> files) {
        for (Path f : files) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                DaemonLog.warning("cannot remove " + f + ": " + e.getMessage());
            }
        }
    }
}
