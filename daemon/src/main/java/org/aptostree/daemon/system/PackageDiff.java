package org.aptostree.daemon.system;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.version.Version;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The package changes between two commits ({@code db diff}), by {@code name:arch}, versions compared as dpkg
 * compares them.
 */
public record PackageDiff(String from, String to, List<CommitPackages.Entry> added, List<CommitPackages.Entry> removed,
        List<Change> upgraded, List<Change> downgraded) {

    /** A package whose version differs. */
    public record Change(CommitPackages.Entry before, CommitPackages.Entry after) {
    }

    public static PackageDiff between(String fromId, CommitPackages from, String toId, CommitPackages to) {
        Map<String, CommitPackages.Entry> a = from.byNameArch();
        Map<String, CommitPackages.Entry> b = to.byNameArch();
        List<CommitPackages.Entry> added = new ArrayList<>();
        List<CommitPackages.Entry> removed = new ArrayList<>();
        List<Change> up = new ArrayList<>();
        List<Change> down = new ArrayList<>();
        b.forEach((k, v) -> {
            CommitPackages.Entry old = a.get(k);
            if (old == null) {
                added.add(v);
            } else if (!old.version().equals(v.version())) {
                (compare(old.version(), v.version()) < 0 ? up : down).add(new Change(old, v));
            }
        });
        a.forEach((k, v) -> {
            if (!b.containsKey(k)) {
                removed.add(v);
            }
        });
        return new PackageDiff(fromId, toId, added, removed, up, down);
    }

    private static int compare(String x, String y) {
        try {
            return Version.parse(x).compareTo(Version.parse(y));
        } catch (DebFormatException e) {
            return x.compareTo(y);
        }
    }

    public boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty() && upgraded.isEmpty() && downgraded.isEmpty();
    }

    /** rpm-ostree's human form: the two commits, then Upgraded, Downgraded, Removed and Added sections. */
    public String block() {
        StringBuilder out = new StringBuilder("ostree diff commit from: ").append(from).append('\n')
                .append("ostree diff commit to:   ").append(to).append('\n');
        pairs(out, "Upgraded", upgraded);
        pairs(out, "Downgraded", downgraded);
        singles(out, "Removed", removed);
        singles(out, "Added", added);
        if (isEmpty()) {
            out.append("No changes.\n");
        }
        return out.toString();
    }

    /** {@code +added}, {@code -removed}, {@code !old} and {@code =new} lines. */
    public String diff() {
        StringBuilder out = new StringBuilder();
        for (Change p : upgraded) {
            out.append('!').append(nv(p.before())).append("\n=").append(nv(p.after())).append('\n');
        }
        for (Change p : downgraded) {
            out.append('!').append(nv(p.before())).append("\n=").append(nv(p.after())).append('\n');
        }
        removed.forEach(e -> out.append('-').append(nv(e)).append('\n'));
        added.forEach(e -> out.append('+').append(nv(e)).append('\n'));
        return out.toString();
    }

    /** {@code {"pkgdiff": [[name, type, details], ...]}}, type 0 added, 1 removed, 2 upgraded, 3 downgraded. */
    public String json() {
        List<Object> entries = new ArrayList<>();
        added.forEach(e -> entries.add(List.of(e.name(), 0, Map.of("NewPackage", List.of(e.name(), e.version(), e.architecture())))));
        removed.forEach(e -> entries.add(List.of(e.name(), 1, Map.of("PreviousPackage", List.of(e.name(), e.version(), e.architecture())))));
        for (Change p : upgraded) {
            entries.add(List.of(p.before().name(), 2, versions(p)));
        }
        for (Change p : downgraded) {
            entries.add(List.of(p.before().name(), 3, versions(p)));
        }
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("ostree-commit-from", from);
        top.put("ostree-commit-to", to);
        top.put("pkgdiff", entries);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(top);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> versions(Change p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("PreviousPackage", List.of(p.before().name(), p.before().version(), p.before().architecture()));
        m.put("NewPackage", List.of(p.after().name(), p.after().version(), p.after().architecture()));
        return m;
    }

    private static String nv(CommitPackages.Entry e) {
        return e.name() + "-" + e.version() + "." + e.architecture();
    }

    private static void pairs(StringBuilder out, String title, List<Change> list) {
        if (!list.isEmpty()) {
            out.append(title).append(":\n");
            list.forEach(p -> out.append("  ").append(p.before().name()).append(' ').append(p.before().version()).append(" -> ").append(p.after().version())
                    .append('\n'));
        }
    }

    private static void singles(StringBuilder out, String title, List<CommitPackages.Entry> list) {
        if (!list.isEmpty()) {
            out.append(title).append(":\n");
            list.forEach(e -> out.append("  ").append(e.name()).append('-').append(e.version()).append('\n'));
        }
    }
}
