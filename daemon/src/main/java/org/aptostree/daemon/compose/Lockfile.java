package org.aptostree.daemon.compose;

import java.io.CharConversionException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The exact package set of a compose (name, version, architecture, URI, size, SHA-256), as JSON:
 * {@code {"packages": [{"name": …, "version": …, "architecture": …, "uri": …, "size": …, "sha256": …, "automatic": …}, …]}}.
 * Composing from it needs no index and no solver, so the compose repeats months later, offline from the
 * cache or a local mirror.
 */
public record Lockfile(List<LockedPackage> packages) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public Lockfile {
        packages = packages.stream().sorted(Comparator.comparing(LockedPackage::nameArch)).toList();
    }

    public static Lockfile read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new LockfileException(file + ": not a lockfile: " + e.getOriginalMessage());
        } catch (CharConversionException e) {
            // Jackson guesses the encoding from the first bytes; a wrong guess is no lockfile either.
            throw new LockfileException(file + ": not a lockfile: " + e.getMessage());
        }
        JsonNode list = root == null ? null : root.get("packages");
        if (list == null || !list.isArray()) {
            throw new LockfileException(file + ": not a lockfile: no \"packages\" list");
        }
        List<LockedPackage> out = new ArrayList<>();
        int i = 0;
        for (JsonNode p : list) {
            String where = file + ": packages[" + i++ + "]";
            long size;
            try {
                size = Long.parseLong(field(p, "size", where));
            } catch (NumberFormatException e) {
                throw new LockfileException(where + ": \"size\" is not a number");
            }
            if (size < 0) {
                throw new LockfileException(where + ": \"size\" is negative");
            }
            String sha256 = field(p, "sha256", where);
            if (!sha256.matches("[0-9a-f]{64}")) {
                throw new LockfileException(where + ": \"sha256\" is not 64 lower-case hex digits");
            }
            try {
                out.add(new LockedPackage(field(p, "name", where), field(p, "version", where), field(p, "architecture", where),
                        URI.create(field(p, "uri", where)), size, sha256,
                        p.path("automatic").asBoolean(false)));
            } catch (IllegalArgumentException e) {
                throw new LockfileException(where + ": " + e.getMessage());
            }
        }
        return new Lockfile(out);
    }

    private static String field(JsonNode p, String name, String where) throws IOException {
        JsonNode v = p.get(name);
        if (v == null || !v.isValueNode() || v.isNull()) {
            throw new LockfileException(where + ": missing \"" + name + "\"");
        }
        return v.asText();
    }

    /** Writes the lockfile via a temporary file and a rename. */
    public void write(Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("packages");
        for (LockedPackage p : packages) {
            list.addObject().put("name", p.name()).put("version", p.version()).put("architecture", p.architecture())
                    .put("uri", p.uri().toString()).put("size", p.size()).put("sha256", p.sha256()).put("automatic", p.automatic());
        }
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(root));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A lockfile that is not one: the file and what is wrong in it. */
    public static final class LockfileException extends IOException {
        public LockfileException(String message) {
            super(message);
        }
    }
}
