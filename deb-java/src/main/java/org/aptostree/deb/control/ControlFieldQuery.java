package org.aptostree.deb.control;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.version.Version;

/**
 * Selected fields of a control stanza, printed as {@code dpkg-deb -f FILE FIELD...} prints them
 * (src/deb/info.c): one field prints its value alone (an empty line when absent); several print
 * {@code Name: value} lines in the order asked, skipping absent ones. Fields dpkg knows are printed
 * with its capitalisation and in its normal form (relations and versions re-formatted, booleans
 * only when {@code yes}); other fields as written.
 */
public final class ControlFieldQuery {
    private static final Map<String, String> KNOWN = knownFields();

    private ControlFieldQuery() {
    }

    /** The text dpkg-deb would print for {@code fields} of {@code control}, with a final newline. */
    public static String print(Paragraph control, List<String> fields) throws DebFormatException {
        StringBuilder out = new StringBuilder();
        boolean header = fields.size() > 1;
        for (String asked : fields) {
            Field field = control.field(asked).orElse(null);
            String value = field == null ? null : normalValue(field);
            if (value == null) {
                continue;
            }
            if (header) {
                String name = KNOWN.getOrDefault(asked.toLowerCase(Locale.ROOT), field.name());
                out.append(new Field(name, value));
            } else {
                out.append(value).append('\n');
            }
        }
        if (!header && out.length() == 0) {
            out.append('\n');
        }
        return out.toString();
    }

    private static String normalValue(Field field) throws DebFormatException {
        String lower = field.name().toLowerCase(Locale.ROOT);
        RelationField relation = RelationField.byName(field.name());
        if (relation != null && RelationField.BINARY.contains(relation)) {
            List<Dependency> deps = relation.parse(field.value());
            return deps.isEmpty() ? null : Dependency.format(deps);
        }
        switch (lower) {
            case "essential", "protected" -> {
                return field.value().equals("yes") ? "yes" : null;
            }
            case "multi-arch" -> {
                return field.value().equals("no") ? null : field.value();
            }
            case "version" -> {
                return Version.parse(field.value()).toString();
            }
            default -> {
                return field.value().isEmpty() ? null : field.value();
            }
        }
    }

    private static Map<String, String> knownFields() {
        java.util.HashMap<String, String> m = new java.util.HashMap<>();
        for (String n : List.of("Package", "Essential", "Protected", "Status", "Priority", "Section", "Installed-Size",
                "Origin", "Maintainer", "Bugs", "Architecture", "Multi-Arch", "Source", "Version", "Revision",
                "Config-Version", "Replaces", "Provides", "Depends", "Pre-Depends", "Recommends", "Suggests", "Breaks",
                "Conflicts", "Enhances", "Conffiles", "Filename", "Size", "MD5sum", "MSDOS-Filename", "Description",
                "Triggers-Pending", "Triggers-Awaited")) {
            m.put(n.toLowerCase(Locale.ROOT), n);
        }
        return Map.copyOf(m);
    }
}
