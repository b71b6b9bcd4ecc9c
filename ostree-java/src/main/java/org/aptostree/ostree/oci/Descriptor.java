package org.aptostree.ostree.oci;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.aptostree.ostree.OstreeFormatException;

/** A reference to a blob: its media type, digest and size, with optional annotations and platform. */
public record Descriptor(String mediaType, Digest digest, long size, Map<String, String> annotations, Optional<Platform> platform) {
    public Descriptor {
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(digest, "digest");
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        annotations = java.util.Collections.unmodifiableMap(new TreeMap<>(annotations));
    }

    public Descriptor(String mediaType, Digest digest, long size) {
        this(mediaType, digest, size, Map.of(), Optional.empty());
    }

    public Descriptor withAnnotations(Map<String, String> a) {
        return new Descriptor(mediaType, digest, size, a, platform);
    }

    public Descriptor withPlatform(Platform p) {
        return new Descriptor(mediaType, digest, size, annotations, Optional.of(p));
    }

    static Descriptor parse(JsonNode n, String what) throws OstreeFormatException {
        if (n == null || !n.isObject()) {
            throw new OstreeFormatException(what + " is not an object");
        }
        JsonNode size = n.get("size");
        if (size == null || !size.canConvertToLong() || !size.isIntegralNumber() || size.longValue() < 0) {
            throw new OstreeFormatException(what + ": missing or invalid \"size\"");
        }
        JsonNode p = n.get("platform");
        return new Descriptor(OciJson.text(n, "mediaType", what), Digest.parse(OciJson.text(n, "digest", what)), size.longValue(),
                OciJson.stringMap(n, "annotations", what), p == null || p.isNull() ? Optional.empty() : Optional.of(Platform.parse(p, what)));
    }

    ObjectNode toJson() {
        ObjectNode o = OciJson.NODES.objectNode().put("mediaType", mediaType).put("digest", digest.toString()).put("size", size);
        if (!annotations.isEmpty()) {
            o.set("annotations", OciJson.stringMapNode(annotations));
        }
        platform.ifPresent(p -> o.set("platform", p.toJson()));
        return o;
    }
}
