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

    /**
     * Parses as GLib 2.74's GKeyFile does: leading whitespace of a line, trailing whitespace of a key and leading
     * whitespace of a value are dropped; the rest of the value, trailing whitespace too, is kept. Errors name the
     * source and line, in GLib's words.
     */
    public static KeyFile parse(String text, String source) throws OstreeFormatException {
        KeyFile kf = new KeyFile();
        String group = null;
        List<String> pendingComments = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String raw = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            String line = raw.substring(leadingSpace(raw, 0));
            String where = source + ":" + (i + 1) + ": ";
            if (line.isEmpty() || line.startsWith("#")) {
                if (!line.isEmpty()) {
                    pendingComments.add(raw);
                }
                continue;
            }
            if (isGroupLine(line)) {
                group = line.substring(1, line.indexOf(']'));
                if (group.isEmpty() || group.chars().anyMatch(c -> c == '[' || c < 0x20 || c == 0x7f)) {
                    throw new OstreeFormatException(where + "Invalid group name: " + group);
                }
                kf.groups.computeIfAbsent(group, g -> new LinkedHashMap<>());
                if (!pendingComments.isEmpty()) {
                    kf.comments.put(group, List.copyOf(pendingComments));
                    pendingComments.clear();
                }
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new OstreeFormatException(where + "Key file contains line \u201c" + raw
                        + "\u201d which is not a key-value pair, group, or comment");
            }
            if (group == null) {
                throw new OstreeFormatException(where + "Key file does not start with a group");
            }
            int keyEnd = eq;
            while (keyEnd > 0 && isAsciiSpace(line.charAt(keyEnd - 1))) {
                keyEnd--;
            }
            String key = line.substring(0, keyEnd);
            if (!isKeyName(key)) {
                throw new OstreeFormatException(where + "Invalid key name: " + key);
            }
            kf.groups.get(group).put(key, unescape(line.substring(leadingSpace(line, eq + 1))));
        }
        return kf;
    }

    /** g_ascii_isspace. */
    private static boolean isAsciiSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    private static int leadingSpace(String s, int from) {
        int i = from;
        while (i < s.length() && isAsciiSpace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** "[name]" with only spaces or tabs after the first ']'. */
    private static boolean isGroupLine(String line) {
        int close = line.indexOf(']');
        if (!line.startsWith("[") || close < 0) {
            return false;
        }
        for (int i = close + 1; i < line.length(); i++) {
            if (line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                return false;
            }
        }
        return true;
    }

    /** GLib's key names: no '[' or ']' but for a locale suffix "key[xx_YY]". */
    private static boolean isKeyName(String key) {
        int bracket = key.indexOf('[');
        String name = bracket < 0 ? key : key.substring(0, bracket);
        if (name.isEmpty() || name.indexOf(']') >= 0) {
            return false;
        }
        if (bracket < 0) {
            return true;
        }
        String locale = key.substring(bracket + 1);
        if (!locale.endsWith("]")) {
            return false;
        }
        return locale.substring(0, locale.length() - 1).chars()
                .allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' || c == '@');
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

    /** g_key_file_parse_string_as_value: leading spaces and tabs, newlines, returns and backslashes escaped. */
    private static String escape(String value) {
        StringBuilder out = new StringBuilder();
        boolean leading = true;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case ' ' -> out.append(leading ? "\\s" : " ");
                case '\t' -> out.append(leading ? "\\t" : "\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\\' -> out.append("\\\\");
                default -> {
                    out.append(c);
                    leading = false;
                }
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
