package org.aptostree.daemon.container;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.control.Deb822Reader;
import org.aptostree.deb.control.Paragraph;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.container.ContentMeta;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.ContentObject;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.repo.TreeEntry;

/**
 * The packages of a composed commit as the container export's components: one component per Debian source
 * package (binary packages built together change together, so they share a layer), holding the files of the
 * packages' dpkg file lists and their own dpkg info files. Read from the dpkg database inside the commit
 * ({@code usr/lib/sysimage/dpkg}).
 */
public final class DpkgContentMeta {
    public static final String DPKG_DIR = "usr/lib/sysimage/dpkg";
    /** dpkg database files larger than this are refused (a status file of a big system is a few MiB). */
    private static final long MAX_FILE = 256L << 20;

    private DpkgContentMeta() {
    }

    /** The components of {@code commit}, or empty when it has no dpkg database. */
    public static Optional<ContentMeta> of(Repository repo, ObjectId commit) throws IOException, OstreeFormatException {
        Optional<byte[]> status = readFile(repo, commit, DPKG_DIR + "/status");
        if (status.isEmpty()) {
            return Optional.empty();
        }
        List<Paragraph> paragraphs;
        try (Deb822Reader r = new Deb822Reader(new ByteArrayInputStream(status.get()))) {
            paragraphs = r.readAll();
        } catch (DebFormatException e) {
            throw new IOException("invalid dpkg status in commit " + commit + ": " + e.getMessage(), e);
        }
        // The info directory is read once and each file opened by its object: resolving every list from the commit's
        // root decoded the large info dirtree again per package.
        TreeMap<String, ObjectId> infoFiles = new TreeMap<>();
        Optional<TreeEntry> info = repo.lookup(commit, DPKG_DIR + "/info");
        if (info.isPresent() && info.get() instanceof TreeEntry.Dir d) {
            for (DirTree.FileEntry f : repo.readDirTree(d.tree()).files()) {
                infoFiles.put(f.name(), f.content());
            }
        }
        Map<String, List<String>> packagesBySource = new TreeMap<>();
        Map<String, Set<String>> pathsBySource = new TreeMap<>();
        for (Paragraph p : paragraphs) {
            String pkg = p.valueOrNull("Package");
            String st = p.valueOrNull("Status");
            if (pkg == null || st == null || !st.trim().endsWith(" installed")) {
                continue;
            }
            String arch = p.get("Architecture").orElse("all");
            String source = p.get("Source").map(s -> s.trim().split("\\s+")[0]).orElse(pkg);
            packagesBySource.computeIfAbsent(source, k -> new ArrayList<>()).add(pkg);
            Set<String> paths = pathsBySource.computeIfAbsent(source, k -> new HashSet<>());
            for (String key : new String[] {pkg, pkg + ":" + arch}) {
                String listName = key + ".list";
                ObjectId list = infoFiles.get(listName);
                if (list != null) {
                    String where = DPKG_DIR + "/info/" + listName + " in commit " + commit;
                    byte[] text = readContent(repo, list, where)
                            .orElseThrow(() -> new IOException(where + " is a symlink, not a file list"));
                    for (String line : new String(text, StandardCharsets.UTF_8).split("\n")) {
                        if (line.startsWith("/") && !line.equals("/.")) {
                            paths.add(line);
                        }
                    }
                }
                // key.list, key.md5sums, key.postinst, …: names with exactly one dot after the key.
                for (String name : infoFiles.subMap(key + ".", key + "/").keySet()) {
                    if (name.indexOf('.', key.length() + 1) < 0) {
                        paths.add("/" + DPKG_DIR + "/info/" + name);
                    }
                }
            }
        }
        List<ContentMeta.Component> components = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : packagesBySource.entrySet()) {
            components.add(new ContentMeta.Component(e.getKey(), e.getValue(), pathsBySource.get(e.getKey())));
        }
        return Optional.of(new ContentMeta(components));
    }

    private static Optional<byte[]> readFile(Repository repo, ObjectId commit, String path) throws IOException, OstreeFormatException {
        Optional<TreeEntry> e = repo.lookup(commit, path);
        if (e.isEmpty() || !(e.get() instanceof TreeEntry.File f)) {
            return Optional.empty();
        }
        return readContent(repo, f.content(), path + " in commit " + commit);
    }

    /** A regular file's bytes; empty for a symlink. */
    private static Optional<byte[]> readContent(Repository repo, ObjectId content, String what)
            throws IOException, OstreeFormatException {
        try (ContentObject c = repo.openContent(content)) {
            if (c.header().isSymlink()) {
                return Optional.empty();
            }
            if (c.size() > MAX_FILE) {
                throw new IOException(what + " is larger than " + MAX_FILE + " bytes");
            }
            try (InputStream in = c.stream()) {
                return Optional.of(in.readNBytes((int) c.size()));
            }
        }
    }
}
