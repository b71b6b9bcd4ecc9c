package org.aptostree.ostree.oci;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * JSON in OLPC canonical form, as ocidir writes manifests, configs and indexes (and ostree-ext stores them in
 * commit metadata): object keys sorted by their UTF-8 bytes, no whitespace, only {@code "} and {@code \} escaped,
 * integers only. The same value always gives the same bytes, hence the same digest.
 */
public final class CanonicalJson {
    private CanonicalJson() {
    }

    public static byte[] bytes(JsonNode node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(node, out);
        return out.toByteArray();
    }

    public static String string(JsonNode node) {
        return new String(bytes(node), StandardCharsets.UTF_8);
    }

    private static void write(JsonNode n, ByteArrayOutputStream out) {
        switch (n.getNodeType()) {
            case OBJECT -> {
                List<String> keys = new ArrayList<>();
                for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
                    keys.add(it.next());
                }
                keys.sort((a, b) -> java.util.Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
                out.write('{');
                boolean first = true;
                for (String k : keys) {
                    if (!first) {
                        out.write(',');
                    }
                    first = false;
                    string(k, out);
                    out.write(':');
                    write(n.get(k), out);
                }
                out.write('}');
            }
            case ARRAY -> {
                out.write('[');
                for (int i = 0; i < n.size(); i++) {
                    if (i > 0) {
                        out.write(',');
                    }
                    write(n.get(i), out);
                }
                out.write(']');
            }
            case STRING -> string(n.textValue(), out);
            case NUMBER -> {
                if (!n.canConvertToExactIntegral()) {
                    throw new IllegalArgumentException("canonical JSON has no floating point numbers: " + n);
                }
                out.writeBytes(n.bigIntegerValue().toString().getBytes(StandardCharsets.US_ASCII));
            }
            case BOOLEAN -> out.writeBytes((n.booleanValue() ? "true" : "false").getBytes(StandardCharsets.US_ASCII));
            case NULL -> out.writeBytes("null".getBytes(StandardCharsets.US_ASCII));
            default -> throw new IllegalArgumentException("not a JSON value: " + n.getNodeType());
        }
    }

    private static void string(String s, ByteArrayOutputStream out) {
        out.write('"');
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (byte c : b) {
            if (c == '"' || c == '\\') {
                out.write('\\');
            }
            out.write(c);
        }
        out.write('"');
    }
}
