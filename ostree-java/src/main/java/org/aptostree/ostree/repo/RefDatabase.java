package org.aptostree.ostree.repo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.aptostree.ostree.object.ObjectId;

/**
 * The refs of a repository: {@code refs/heads/<ref>} for local refs and {@code refs/remotes/<remote>/<ref>}
 * for refs pulled from a remote (written {@code remote:ref}), each a file holding a checksum and a newline.
 */
public final class RefDatabase {
    /** {@code ostree_validate_rev}: slash-separated components of word characters, dots and dashes. */
    private static final Pattern REF = Pattern.compile("[\\w\\d][-._\\w\\d]*(/[\\w\\d][-._\\w\\d]*)*");
    private static final Pattern REMOTE = Pattern.compile("[\\w\\d][-._\\w\\d]*");
    /** {@code _ostree_validate_ref_fragment}: one component of a ref. */
    private static final Pattern FRAGMENT = REMOTE;

    private final Repository repo;

    RefDatabase(Repository repo) {
        this.repo = repo;
    }

    /** A parsed refspec: an optional remote and a ref name. */
    public record RefSpec(Optional<String> remote, String ref) {
        public static RefSpec parse(String spec) {
            int colon = spec.indexOf(':');
            RefSpec r = colon < 0 ? new RefSpec(Optional.empty(), spec)
                    : new RefSpec(Optional.of(spec.substring(0, colon)), spec.substring(colon + 1));
            if (!REF.matcher(r.ref).matches() || r.remote.map(x -> !REMOTE.matcher(x).matches()).orElse(false)) {
                throw new IllegalArgumentException("Invalid refspec " + spec);
            }
            return r;
        }

        @Override
        public String toString() {
            return remote.map(x -> x + ":" + ref).orElse(ref);
        }
    }

    public static boolean isValidRef(String ref) {
        return REF.matcher(ref).matches();
    }

    private Path fileOf(RefSpec spec) {
        Path refs = repo.path().resolve("refs");
        return spec.remote().isPresent()
                ? refs.resolve("remotes").resolve(spec.remote().get()).resolve(spec.ref())
                : refs.resolve("heads").resolve(spec.ref());
    }

    /** The commit a refspec points to, if the ref exists. A bare ref also matches {@code refs/remotes/<ref>}. */
    public Optional<ObjectId> resolve(String refspec) throws IOException {
        RefSpec spec;
        try {
            spec = RefSpec.parse(refspec);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        Optional<ObjectId> id = read(fileOf(spec));
        if (id.isEmpty() && spec.remote().isEmpty()) {
            id = read(repo.path().resolve("refs").resolve("remotes").resolve(spec.ref()));
        }
        return id;
    }

    /**
     * A parsed refspec resolved as {@code ostree_repo_resolve_rev} does: {@code remote:ref} in that remote; a bare
     * ref in {@code refs/heads}, then as {@code refs/remotes/<ref>}, then in each remote in directory order.
     */
    Optional<ObjectId> resolveSearchingRemotes(RefSpec spec) throws IOException {
        List<Path> candidates = new ArrayList<>(List.of(fileOf(spec)));
        if (spec.remote().isEmpty()) {
            Path remotes = repo.path().resolve("refs").resolve("remotes");
            candidates.add(remotes.resolve(spec.ref()));
            for (String remote : directoryOrder(remotes)) {
                if (Files.isDirectory(remotes.resolve(remote), LinkOption.NOFOLLOW_LINKS)) {
                    candidates.add(remotes.resolve(remote).resolve(spec.ref()));
                }
            }
        }
        // The first path that exists is the ref, even when it cannot be read as one (a directory of refs).
        for (Path candidate : candidates) {
            if (Files.isDirectory(candidate)) {
                throw new IOException("Couldn't open ref '" + spec.ref() + "': Is a directory");
            }
            Optional<ObjectId> id = read(candidate);
            if (id.isPresent()) {
                return id;
            }
        }
        return Optional.empty();
    }

    private static Optional<ObjectId> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (!ObjectId.isValidHex(text)) {
            throw new IOException("invalid checksum in ref file " + file);
        }
        return Optional.of(ObjectId.fromHex(text));
    }

    /** Points a ref at a commit, atomically. */
    public void set(String refspec, ObjectId commit) throws IOException {
        Path file = fileOf(RefSpec.parse(refspec));
        Files.createDirectories(file.getParent());
        AtomicFile.write(file, (commit.hex() + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** Deletes a ref; returns false if it did not exist. */
    public boolean delete(String refspec) throws IOException {
        return Files.deleteIfExists(fileOf(RefSpec.parse(refspec)));
    }

    /** Local refs, sorted by name. */
    public Map<String, ObjectId> listLocal() throws IOException {
        return list(repo.path().resolve("refs").resolve("heads"), "");
    }

    /** Refs of remotes, as {@code remote:ref}, sorted. */
    public Map<String, ObjectId> listRemote() throws IOException {
        Map<String, ObjectId> all = new TreeMap<>();
        Path remotes = repo.path().resolve("refs").resolve("remotes");
        if (!Files.isDirectory(remotes)) {
            return all;
        }
        try (Stream<Path> dirs = Files.list(remotes)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                if (Files.isDirectory(dir)) {
                    all.putAll(list(dir, dir.getFileName() + ":"));
                }
            }
        }
        return all;
    }

    /** Local and remote refs together. */
    public Map<String, ObjectId> listAll() throws IOException {
        Map<String, ObjectId> all = new TreeMap<>(listLocal());
        all.putAll(listRemote());
        return all;
    }

    /**
     * Refs as libostree's {@code ostree_repo_list_refs_ext} finds them, in the order it inserts them into its hash
     * table (directory order; local refs, then each remote's as {@code remote:ref}), each with its file's contents
     * (a checksum) or, with {@code aliasesOnly}, only symlinked refs with their targets. A {@code prefix} lists what
     * is under {@code refs/heads/prefix} (or a remote's, written {@code remote:prefix}); {@code cutPrefix} leaves
     * it off the names, as {@code ostree refs PREFIX} does.
     */
    public Map<String, String> enumerate(Optional<String> prefix, boolean cutPrefix, boolean aliasesOnly) throws IOException {
        Map<String, String> refs = new LinkedHashMap<>();
        Path root = repo.path().resolve("refs");
        if (prefix.isEmpty()) {
            enumerate(root.resolve("heads"), "", null, aliasesOnly, refs);
            Path remotes = root.resolve("remotes");
            for (String remote : directoryOrder(remotes)) {
                if (Files.isDirectory(remotes.resolve(remote), LinkOption.NOFOLLOW_LINKS)) {
                    enumerate(remotes.resolve(remote), "", remote, aliasesOnly, refs);
                }
            }
            return refs;
        }
        String spec = prefix.get();
        String remote = null;
        String refPrefix;
        int colon = spec.lastIndexOf(':');
        if ((spec.endsWith(":") || spec.endsWith(":.")) && REMOTE.matcher(spec.substring(0, colon)).matches()) {
            remote = spec.substring(0, colon);
            refPrefix = ".";
        } else {
            RefSpec parsed = RefSpec.parse(spec);
            remote = parsed.remote().orElse(null);
            refPrefix = parsed.ref();
        }
        Path base = remote != null ? root.resolve("remotes").resolve(remote) : root.resolve("heads");
        Path path = base.resolve(refPrefix).normalize();
        if (Files.isDirectory(path)) {
            enumerate(path, cutPrefix ? "" : refPrefix + "/", remote, aliasesOnly, refs);
        } else if (Files.exists(path)) {
            refs.put(remote != null ? remote + ":" + refPrefix : refPrefix, contents(path));
        }
        return refs;
    }

    private static void enumerate(Path dir, String name, String remote, boolean aliasesOnly, Map<String, String> refs)
            throws IOException {
        for (String entry : directoryOrder(dir)) {
            if (!FRAGMENT.matcher(entry).matches()) {
                continue;
            }
            Path p = dir.resolve(entry);
            String full = name + entry;
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                enumerate(p, full + "/", remote, aliasesOnly, refs);
            } else if (aliasesOnly) {
                if (Files.isSymbolicLink(p)) {
                    String target = Files.readSymbolicLink(p).toString();
                    while (target.startsWith("../")) {
                        target = target.substring(3);
                    }
                    refs.put(full, target);
                }
            } else {
                refs.put(remote != null ? remote + ":" + full : full, contents(p));
            }
        }
    }

    /** The entries of a directory as readdir(3) returns them, which is the order libostree walks them in. */
    private static List<String> directoryOrder(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                names.add(p.getFileName().toString());
            }
        }
        return names;
    }

    private static String contents(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).stripTrailing();
    }

    private static Map<String, ObjectId> list(Path root, String prefix) throws IOException {
        Map<String, ObjectId> refs = new TreeMap<>();
        if (!Files.isDirectory(root)) {
            return refs;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f) && !f.getFileName().toString().startsWith(".")) {
                    Optional<ObjectId> id = read(f);
                    if (id.isPresent()) {
                        refs.put(prefix + root.relativize(f).toString(), id.get());
                    }
                }
            }
        }
        return refs;
    }
}
