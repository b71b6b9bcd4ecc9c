package org.aptostree.ostree.oci;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.aptostree.ostree.OstreeFormatException;

/** An image manifest, OCI or Docker schema 2: the config blob, the layers bottom first, and annotations. */
public record ImageManifest(String mediaType, Descriptor config, List<Descriptor> layers, Map<String, String> annotations) {
    /** Larger manifests are refused before parsing (containers/image allows 4 MiB as well). */
    public static final int MAX_SIZE = 4 << 20;

    public ImageManifest {
        layers = List.copyOf(layers);
        annotations = java.util.Collections.unmodifiableMap(new TreeMap<>(annotations));
    }

    public static ImageManifest parse(byte[] json) throws OstreeFormatException {
        ObjectNode n = OciJson.parseObject(json, MAX_SIZE, "image manifest");
        JsonNode version = n.get("schemaVersion");
        if (version == null || !version.isInt() || version.intValue() != 2) {
            throw new OstreeFormatException("image manifest: unsupported schemaVersion " + version);
        }
        String mediaType = OciJson.optionalText(n, "mediaType", "image manifest");
        if (mediaType != null && !MediaTypes.isManifest(mediaType)) {
            throw new OstreeFormatException("image manifest: media type " + mediaType + " is not an image manifest");
        }
        JsonNode layersNode = n.get("layers");
        if (layersNode == null || !layersNode.isArray()) {
            throw new OstreeFormatException("image manifest: missing \"layers\" array");
        }
        List<Descriptor> layers = new ArrayList<>();
        for (int i = 0; i < layersNode.size(); i++) {
            layers.add(Descriptor.parse(layersNode.get(i), "image manifest layer " + i));
        }
        return new ImageManifest(mediaType == null ? MediaTypes.OCI_MANIFEST : mediaType,
                Descriptor.parse(n.get("config"), "image manifest config"), layers, OciJson.stringMap(n, "annotations", "image manifest"));
    }

    public ObjectNode toJson() {
        ObjectNode o = OciJson.NODES.objectNode().put("schemaVersion", 2).put("mediaType", mediaType);
        o.set("config", config.toJson());
        ArrayNode l = o.putArray("layers");
        layers.forEach(d -> l.add(d.toJson()));
        if (!annotations.isEmpty()) {
            o.set("annotations", OciJson.stringMapNode(annotations));
        }
        return o;
    }

    /** The canonical JSON bytes, whose SHA-256 is the manifest digest. */
    public byte[] canonicalBytes() {
        return CanonicalJson.bytes(toJson());
    }
}
