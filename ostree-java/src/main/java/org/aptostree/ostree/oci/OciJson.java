package org.aptostree.ostree.oci;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.aptostree.ostree.OstreeFormatException;

/** Reading the JSON documents of images (manifests, indexes, configs) into trees, with the limits an importer needs. */
final class OciJson {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(8 << 20).maxNumberLength(64).build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private OciJson() {
    }

    /** Parses a JSON object of at most {@code limit} bytes; {@code what} names it in errors. */
    static ObjectNode parseObject(byte[] data, int limit, String what) throws OstreeFormatException {
        if (data.length > limit) {
            throw new OstreeFormatException(what + " is " + data.length + " bytes, more than the limit of " + limit);
        }
        JsonNode n;
        try {
            n = MAPPER.readTree(data);
        } catch (IOException | RuntimeException e) {
            throw new OstreeFormatException("invalid JSON in " + what + ": " + firstLine(e.getMessage()));
        }
        if (n == null || !n.isObject()) {
            throw new OstreeFormatException(what + " is not a JSON object");
        }
        return (ObjectNode) n;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static String text(JsonNode parent, String field, String what) throws OstreeFormatException {
        JsonNode n = parent.get(field);
        if (n == null || !n.isTextual()) {
            throw new OstreeFormatException(what + ": missing or non-string \"" + field + "\"");
        }
        return n.textValue();
    }

    static String optionalText(JsonNode parent, String field, String what) throws OstreeFormatException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new OstreeFormatException(what + ": \"" + field + "\" is not a string");
        }
        return n.textValue();
    }

    /** A string-to-string map field ({@code annotations}, {@code Labels}); absent or null is empty. */
    static Map<String, String> stringMap(JsonNode parent, String field, String what) throws OstreeFormatException {
        Map<String, String> out = new TreeMap<>();
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isObject()) {
            throw new OstreeFormatException(what + ": \"" + field + "\" is not an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new OstreeFormatException(what + ": value of \"" + field + "." + e.getKey() + "\" is not a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    static ObjectNode stringMapNode(Map<String, String> map) {
        ObjectNode o = NODES.objectNode();
        new TreeMap<>(map).forEach(o::put);
        return o;
    }
}
