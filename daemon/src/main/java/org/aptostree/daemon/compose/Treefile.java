package org.aptostree.daemon.compose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.aptostree.deb.index.HostArchitecture;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * A compose treefile (YAML, or JSON, which is YAML too), with rpm-ostree's key names where the meaning
 * carries over and Debian's sources. {@code include} files are merged first, then the including file:
 * lists are concatenated, maps merged, scalars overridden — rpm-ostree's rule.
 *
 * @param ref               the branch to commit to
 * @param variant           the base package set
 * @param packages          packages to install on top of the variant
 * @param excludePackages   packages that must not be installed
 * @param recommends        install Recommends of the packages (the variant's set never gets them, as mmdebstrap)
 * @param sources           deb822 {@code .sources} text, or {@code host}
 * @param architecture      the Debian architecture to compose for
 * @param addCommitMetadata extra commit metadata (strings, numbers, booleans)
 * @param removeFiles       paths removed from the tree after configuration
 * @param postprocess       shell scripts run in the sandboxed tree after configuration
 * @param units             systemd units to enable
 * @param releasever        the release version, the default {@code version} metadata prefix
 * @param digest            SHA-256 of the merged treefile's canonical JSON, part of the input hash
 * @param allowUnbootable   commit a tree whose kernel cannot boot it as a deployment (a container image's tree),
 *                          as not bootable, instead of refusing it ({@link Bootability})
 */
public record Treefile(String ref, Variant variant, List<String> packages, List<String> excludePackages, boolean recommends,
        String sources, String architecture, Map<String, Object> addCommitMetadata, List<String> removeFiles,
        List<String> postprocess, List<String> units, String releasever, String digest, boolean allowUnbootable) {

    /** The keys understood; any other key is an error rather than silently ignored. */
    private static final Set<String> KEYS = Set.of("ref", "variant", "packages", "exclude-packages", "recommends", "sources",
            "architecture", "add-commit-metadata", "remove-files", "postprocess", "postprocess-script", "units",
            "releasever", "include", "allow-unbootable");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    public Treefile {
        packages = List.copyOf(packages);
        excludePackages = List.copyOf(excludePackages);
        addCommitMetadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(addCommitMetadata));
        removeFiles = List.copyOf(removeFiles);
        postprocess = List.copyOf(postprocess);
        units = List.copyOf(units);
    }

    /** A treefile that refuses an unbootable tree with a kernel. */
    public Treefile(String ref, Variant variant, List<String> packages, List<String> excludePackages, boolean recommends,
            String sources, String architecture, Map<String, Object> addCommitMetadata, List<String> removeFiles,
            List<String> postprocess, List<String> units, String releasever, String digest) {
        this(ref, variant, packages, excludePackages, recommends, sources, architecture, addCommitMetadata, removeFiles,
                postprocess, units, releasever, digest, false);
    }

    /** Reads a treefile and its includes. */
    public static Treefile load(Path file) throws IOException {
        ObjectNode merged = loadMerged(file.toAbsolutePath().normalize(), new HashSet<>());
        return fromNode(merged, file);
    }

    private static ObjectNode loadMerged(Path file, Set<Path> seen) throws IOException {
        if (!seen.add(file)) {
            throw new TreefileException(file + ": include cycle");
        }
        JsonNode node;
        try {
            node = YAML.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new TreefileException(file + ": " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""));
        } catch (IOException e) {
            // An include names a file that is not there (or not readable): the treefile is wrong, not the disk.
            throw new TreefileException(file + ": cannot read: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new TreefileException(file + ": a treefile is a mapping of keys to values");
        }
        ObjectNode own = (ObjectNode) node;
        for (Iterator<String> it = own.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new TreefileException(file + ": unknown key '" + key + "'");
            }
        }
        checkTypes(own, file);
        if (own.has("postprocess-script")) {
            Path script = file.resolveSibling(text(own.get("postprocess-script"), file, "postprocess-script"));
            ArrayNode scripts = own.get("postprocess") instanceof ArrayNode a ? a : own.putArray("postprocess");
            try {
                scripts.add(Files.readString(script));
            } catch (IOException e) {
                throw new TreefileException(file + ": 'postprocess-script': cannot read " + script + ": " + e.getMessage());
            }
            own.remove("postprocess-script");
        }
        ObjectNode merged = JSON.createObjectNode();
        JsonNode include = own.remove("include");
        if (include != null) {
            List<String> includes = new ArrayList<>();
            if (include.isTextual()) {
                includes.add(include.asText());
            } else if (include.isArray()) {
                include.forEach(n -> includes.add(n.asText()));
            } else {
                throw new TreefileException(file + ": 'include' must be a path or a list of paths");
            }
            for (String inc : includes) {
                merge(merged, loadMerged(file.resolveSibling(inc).normalize(), seen));
            }
        }
        merge(merged, own);
        seen.remove(file);
        return merged;
    }

    /** Each file is checked on its own, so that an error names the file that holds it. */
    private static void checkTypes(ObjectNode n, Path file) throws TreefileException {
        for (String key : List.of("ref", "variant", "sources", "architecture", "releasever", "postprocess-script")) {
            if (n.has(key)) {
                text(n.get(key), file, key);
            }
        }
        for (String key : List.of("packages", "exclude-packages", "remove-files", "postprocess", "units")) {
            if (n.has(key) && !n.get(key).isNull()) {
                strings(n, key, file);
            }
        }
        for (String key : List.of("recommends", "allow-unbootable")) {
            if (n.has(key) && !n.get(key).isBoolean()) {
                throw new TreefileException(file + ": '" + key + "' must be true or false");
            }
        }
        if (n.has("add-commit-metadata") && !n.get("add-commit-metadata").isObject()) {
            throw new TreefileException(file + ": 'add-commit-metadata' must be a mapping");
        }
    }

    private static void merge(ObjectNode into, ObjectNode from) {
        for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode old = into.get(e.getKey());
            if (old instanceof ArrayNode a && e.getValue() instanceof ArrayNode b) {
                a.addAll(b);
            } else if (old instanceof ObjectNode a && e.getValue() instanceof ObjectNode b) {
                merge(a, b);
            } else {
                into.set(e.getKey(), e.getValue().deepCopy());
            }
        }
    }

    private static Treefile fromNode(ObjectNode n, Path file) throws IOException {
        String ref = n.has("ref") ? text(n.get("ref"), file, "ref") : null;
        if (ref == null || ref.isBlank()) {
            throw new TreefileException(file + ": 'ref' is required");
        }
        Variant variant = Variant.MINBASE;
        if (n.has("variant")) {
            String v = text(n.get("variant"), file, "variant");
            variant = Variant.parse(v).orElseThrow(() -> new TreefileException(file + ": unknown variant '" + v
                    + "' (known: essential, minbase, important, none)"));
        }
        String sources = n.has("sources") ? text(n.get("sources"), file, "sources") : null;
        if (sources == null || sources.isBlank()) {
            throw new TreefileException(file + ": 'sources' is required (deb822 .sources stanzas, or 'host')");
        }
        boolean recommends = false;
        if (n.has("recommends")) {
            if (!n.get("recommends").isBoolean()) {
                throw new TreefileException(file + ": 'recommends' must be true or false");
            }
            recommends = n.get("recommends").asBoolean();
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (n.has("add-commit-metadata")) {
            JsonNode m = n.get("add-commit-metadata");
            if (!m.isObject()) {
                throw new TreefileException(file + ": 'add-commit-metadata' must be a mapping");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                Object value;
                if (v.isBoolean()) {
                    value = v.asBoolean();
                } else if (v.isIntegralNumber()) {
                    value = v.asLong();
                } else if (v.isTextual()) {
                    value = v.asText();
                } else {
                    throw new TreefileException(file + ": add-commit-metadata." + e.getKey() + " must be a string, integer or boolean");
                }
                metadata.put(e.getKey(), value);
            }
        }
        String arch = n.has("architecture") ? text(n.get("architecture"), file, "architecture") : HostArchitecture.name();
        String digest = InputHash.sha256Hex(JSON.writeValueAsBytes(sorted(n)));
        return new Treefile(ref, variant, strings(n, "packages", file), strings(n, "exclude-packages", file), recommends,
                sources, arch, metadata, strings(n, "remove-files", file), strings(n, "postprocess", file),
                strings(n, "units", file), n.has("releasever") ? text(n.get("releasever"), file, "releasever") : null, digest,
                n.has("allow-unbootable") && n.get("allow-unbootable").asBoolean());
    }

    /** A copy with object keys sorted, so the digest does not depend on key order. */
    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            names.forEach(k -> out.set(k, sorted(node.get(k))));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            node.forEach(e -> out.add(sorted(e)));
            return out;
        }
        return node;
    }

    private static String text(JsonNode n, Path file, String key) throws TreefileException {
        if (!n.isValueNode() || n.isNull()) {
            throw new TreefileException(file + ": '" + key + "' must be a string");
        }
        return n.asText();
    }

    private static List<String> strings(ObjectNode n, String key, Path file) throws TreefileException {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new TreefileException(file + ": '" + key + "' must be a list");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isValueNode() || e.isNull()) {
                throw new TreefileException(file + ": '" + key + "' must be a list of strings");
            }
            out.add(e.asText());
        }
        return out;
    }

    /** A treefile that cannot be used, with the file and what is wrong. */
    public static final class TreefileException extends IOException {
        public TreefileException(String message) {
            super(message);
        }
    }
}
