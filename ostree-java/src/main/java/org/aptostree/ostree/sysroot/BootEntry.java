package org.aptostree.ostree.sysroot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.aptostree.ostree.OstreeFormatException;

/**
 * A Boot Loader Specification entry ({@code /boot/loader.N/entries/*.conf}): {@code key value} lines, kept in
 * order. libostree writes title, version, options, devicetree, linux, initrd, then any other keys.
 */
public record BootEntry(Map<String, String> fields) {
    private static final List<String> ORDER = List.of("title", "version", "options", "devicetree", "linux", "initrd");

    public BootEntry {
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public static BootEntry parse(String text, String source) throws OstreeFormatException {
        Map<String, String> fields = new LinkedHashMap<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int sep = indexOfWhitespace(line);
            if (sep < 0) {
                throw new OstreeFormatException(source + ":" + (i + 1) + ": boot entry line without a value: '" + line + "'");
            }
            fields.put(line.substring(0, sep), line.substring(sep).strip());
        }
        return new BootEntry(fields);
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ' ' || s.charAt(i) == '\t') {
                return i;
            }
        }
        return -1;
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(fields.get(key));
    }

    public BootEntry with(String key, String value) {
        Map<String, String> f = new LinkedHashMap<>(fields);
        f.put(key, value);
        return new BootEntry(f);
    }

    public String options() {
        return fields.getOrDefault("options", "");
    }

    /** The entry's text in libostree's key order. */
    public String format() {
        StringBuilder out = new StringBuilder();
        List<String> keys = new ArrayList<>();
        for (String k : ORDER) {
            if (fields.containsKey(k)) {
                keys.add(k);
            }
        }
        for (String k : fields.keySet()) {
            if (!ORDER.contains(k)) {
                keys.add(k);
            }
        }
        for (String k : keys) {
            out.append(k).append(' ').append(fields.get(k)).append('\n');
        }
        return out.toString();
    }
}
