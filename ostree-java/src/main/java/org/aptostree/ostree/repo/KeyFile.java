package org.aptostree.ostree.repo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.aptostree.ostree.OstreeFormatException;

/**
 * A GKeyFile ({@code .ini}-style) document, as libostree uses for the repository {@code config} and
 * {@code .origin} files. Keeps groups, keys and comments in order so a rewrite changes only what was set.
 */
public final class KeyFile {
    private final Map<String, Map<String, String>> groups = new LinkedHashMap<>();
    private final Map<String, List<String>> comments = new LinkedHashMap<>();

    public static KeyFile parse(String text, String source) throws OstreeFormatException {
        KeyFile kf = new KeyFile();
        String group = null;
        List<String> pendingComments = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                if (!line.isEmpty()) {
                    pendingComments.add(lines[i]);
                }
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]") || line.length() < 3) {
                    throw new OstreeFormatException(source + ":" + (i + 1) + ": invalid group line '" + line + "'");
                }
                group = line.substring(1, line.length() - 1);
                kf.groups.computeIfAbsent(group, g -> new LinkedHashMap<>());
                if (!pendingComments.isEmpty()) {
                    kf.comments.put(group, List.copyOf(pendingComments));
                    pendingComments.clear();
                }
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0 || group == null) {
                throw new OstreeFormatException(source + ":" + (i + 1) + ": invalid key-value line '" + line + "'");
            }
            kf.groups.get(group).put(line.substring(0, eq).strip(), unescape(line.substring(eq + 1).strip()));
        }
        return kf;
    }

    private static String unescape(String value) {
        if (value.indexOf('\\') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                char n = value.charAt(++i);
                switch (n) {
                    case 's' -> out.append(' ');
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case '\\' -> out.append('\\');
                    default -> out.append('\\').append(n);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String escape(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                case '\\' -> out.append("\\\\");
                case ' ' -> out.append(i == 0 ? "\\s" : " ");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    public Optional<String> get(String group, String key) {
        Map<String, String> g = groups.get(group);
        return g == null ? Optional.empty() : Optional.ofNullable(g.get(key));
    }

    public boolean getBoolean(String group, String key, boolean fallback) {
        return get(group, key).map(v -> v.equals("true") || v.equals("1")).orElse(fallback);
    }

    public void set(String group, String key, String value) {
        groups.computeIfAbsent(group, g -> new LinkedHashMap<>()).put(key, value);
    }

    public void remove(String group, String key) {
        Map<String, String> g = groups.get(group);
        if (g != null) {
            g.remove(key);
        }
    }

    public boolean hasGroup(String group) {
        return groups.containsKey(group);
    }

    public void removeGroup(String group) {
        groups.remove(group);
        comments.remove(group);
    }

    public List<String> groups() {
        return List.copyOf(groups.keySet());
    }

    public Map<String, String> group(String group) {
        Map<String, String> g = groups.get(group);
        return g == null ? Map.of() : Map.copyOf(g);
    }

    /** Serialises as GKeyFile does: a blank line between groups, {@code key=value} lines. */
    public String format() {
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (Map.Entry<String, Map<String, String>> g : groups.entrySet()) {
            if (!first) {
                out.append('\n');
            }
            first = false;
            for (String c : comments.getOrDefault(g.getKey(), List.of())) {
                out.append(c).append('\n');
            }
            out.append('[').append(g.getKey()).append("]\n");
            for (Map.Entry<String, String> kv : g.getValue().entrySet()) {
                out.append(kv.getKey()).append('=').append(escape(kv.getValue())).append('\n');
            }
        }
        return out.toString();
    }
}
