package org.aptostree.ostree.oci;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.aptostree.ostree.OstreeFormatException;

/** An image index (OCI) or manifest list (Docker): manifests per platform, and an OCI layout's {@code index.json}. */
public record ImageIndex(String mediaType, List<Descriptor> manifests, Map<String, String> annotations) {
    /** The annotation of an OCI layout's index that names a tag. */
    public static final String REF_NAME = "org.opencontainers.image.ref.name";

    public ImageIndex {
        manifests = List.copyOf(manifests);
        annotations = java.util.Collections.unmodifiableMap(new TreeMap<>(annotations));
    }

    public static ImageIndex parse(byte[] json) throws OstreeFormatException {
        ObjectNode n = OciJson.parseObject(json, ImageManifest.MAX_SIZE, "image index");
        JsonNode version = n.get("schemaVersion");
        if (version == null || !version.isInt() || version.intValue() != 2) {
            throw new OstreeFormatException("image index: unsupported schemaVersion " + version);
        }
        String mediaType = OciJson.optionalText(n, "mediaType", "image index");
        if (mediaType != null && !MediaTypes.isIndex(mediaType)) {
            throw new OstreeFormatException("image index: media type " + mediaType + " is not an index");
        }
        JsonNode list = n.get("manifests");
        if (list == null || !list.isArray()) {
            throw new OstreeFormatException("image index: missing \"manifests\" array");
        }
        List<Descriptor> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            out.add(Descriptor.parse(list.get(i), "image index entry " + i));
        }
        return new ImageIndex(mediaType == null ? MediaTypes.OCI_INDEX : mediaType, out, OciJson.stringMap(n, "annotations", "image index"));
    }

    public ObjectNode toJson() {
        ObjectNode o = OciJson.NODES.objectNode().put("schemaVersion", 2).put("mediaType", mediaType);
        ArrayNode l = o.putArray("manifests");
        manifests.forEach(d -> l.add(d.toJson()));
        if (!annotations.isEmpty()) {
            o.set("annotations", OciJson.stringMapNode(annotations));
        }
        return o;
    }

    public byte[] canonicalBytes() {
        return CanonicalJson.bytes(toJson());
    }

    /** The manifest for a platform: the first that matches, or the only one when none says its platform. */
    public Optional<Descriptor> forPlatform(Platform wanted) {
        for (Descriptor d : manifests) {
            if (d.platform().isPresent() && d.platform().get().matches(wanted)) {
                return Optional.of(d);
            }
        }
        if (manifests.size() == 1 && manifests.get(0).platform().isEmpty()) {
            return Optional.of(manifests.get(0));
        }
        return Optional.empty();
    }

    /** The manifest tagged {@code tag} in an OCI layout, or the only one when {@code tag} is null. */
    public Optional<Descriptor> forTag(String tag) {
        if (tag == null) {
            return manifests.size() == 1 ? Optional.of(manifests.get(0)) : Optional.empty();
        }
        return manifests.stream().filter(d -> tag.equals(d.annotations().get(REF_NAME))).findFirst();
    }
}
