package org.aptostree.ostree.repo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
