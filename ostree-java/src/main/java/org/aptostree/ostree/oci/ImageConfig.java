package org.aptostree.ostree.oci;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.aptostree.ostree.OstreeFormatException;

/**
 * An image configuration. Kept as its JSON tree, since images carry fields no tool needs to understand and the
 * importer stores the configuration as it came; the accessors read the fields the importer uses.
 */
public final class ImageConfig {
    public static final int MAX_SIZE = 8 << 20;
    private final ObjectNode json;

    private ImageConfig(ObjectNode json) {
        this.json = json;
    }

    public static ImageConfig parse(byte[] data) throws OstreeFormatException {
        ObjectNode n = OciJson.parseObject(data, MAX_SIZE, "image configuration");
        ImageConfig c = new ImageConfig(n);
        c.diffIds();
        c.labels();
        return c;
    }

    /** A new configuration: platform, creation time, runtime config ({@code Cmd}, {@code Labels}), no layers yet. */
    public static ImageConfig create(Platform platform, String created, List<String> cmd, Map<String, String> labels) {
        ObjectNode n = OciJson.NODES.objectNode();
        n.put("architecture", platform.architecture()).put("os", platform.os());
        if (platform.variant() != null) {
            n.put("variant", platform.variant());
        }
        n.put("created", created);
        ObjectNode config = n.putObject("config");
        if (cmd != null) {
            cmd.forEach(config.putArray("Cmd")::add);
        }
        config.set("Labels", OciJson.stringMapNode(labels));
        ObjectNode rootfs = n.putObject("rootfs");
        rootfs.put("type", "layers");
        rootfs.putArray("diff_ids");
        n.putArray("history");
        return new ImageConfig(n);
    }

    /** Appends a layer: its uncompressed digest and a history entry. */
    public void addLayer(Digest diffId, String created, String createdBy) {
        ((com.fasterxml.jackson.databind.node.ArrayNode) json.get("rootfs").get("diff_ids")).add(diffId.toString());
        ((com.fasterxml.jackson.databind.node.ArrayNode) json.get("history")).addObject().put("created", created).put("created_by", createdBy);
    }

    public List<Digest> diffIds() throws OstreeFormatException {
        JsonNode rootfs = json.get("rootfs");
        List<Digest> out = new ArrayList<>();
        if (rootfs == null || rootfs.isNull()) {
            return out;
        }
        JsonNode ids = rootfs.get("diff_ids");
        if (ids == null || !ids.isArray()) {
            throw new OstreeFormatException("image configuration: rootfs has no diff_ids array");
        }
        for (JsonNode id : ids) {
            if (!id.isTextual()) {
                throw new OstreeFormatException("image configuration: a diff_id is not a string");
            }
            out.add(Digest.parse(id.textValue()));
        }
        return out;
    }

    public Map<String, String> labels() throws OstreeFormatException {
        JsonNode c = json.get("config");
        if (c == null || c.isNull()) {
            return Map.of();
        }
        if (!c.isObject()) {
            throw new OstreeFormatException("image configuration: \"config\" is not an object");
        }
        return OciJson.stringMap(c, "Labels", "image configuration");
    }

    public String created() {
        JsonNode c = json.get("created");
        return c != null && c.isTextual() ? c.textValue() : null;
    }

    public String architecture() {
        JsonNode a = json.get("architecture");
        return a != null && a.isTextual() ? a.textValue() : null;
    }

    public ObjectNode toJson() {
        return json.deepCopy();
    }

    public byte[] canonicalBytes() {
        return CanonicalJson.bytes(json);
    }
}
