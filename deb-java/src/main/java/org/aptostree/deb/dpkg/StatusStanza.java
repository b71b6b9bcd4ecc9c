package org.aptostree.deb.dpkg;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.control.Dependency;
import org.aptostree.deb.control.Field;
import org.aptostree.deb.control.Paragraph;
import org.aptostree.deb.control.RelationField;
import org.aptostree.deb.version.Version;

/**
 * Builds a dpkg status stanza from a binary package's control file the way dpkg writes it
 * (lib/dpkg/parse.c field table and dump.c): dpkg's known fields first, in its order and
 * capitalisation, with relations and the version in normal form, booleans only when {@code yes}
 * and {@code Multi-Arch} only when not {@code no}; then every other field in the control file's order.
 */
public final class StatusStanza {
    /** dpkg's field table order (fieldinfos[] in lib/dpkg/parse.c). */
    static final List<String> ORDER = List.of("Package", "Essential", "Protected", "Status", "Priority", "Section",
            "Installed-Size", "Origin", "Maintainer", "Bugs", "Architecture", "Multi-Arch", "Source", "Version",
            "Config-Version", "Replaces", "Provides", "Depends", "Pre-Depends", "Recommends", "Suggests", "Breaks",
            "Conflicts", "Enhances", "Conffiles", "Description", "Triggers-Pending", "Triggers-Awaited");

    private static final Map<String, String> CANONICAL = canonical();

    private StatusStanza() {
    }

    /**
     * The status stanza for {@code control} with the given {@code Status:} value (e.g.
     * {@code "install ok unpacked"}) and conffile lines (path and hash, e.g. {@code "/etc/x newconffile"}).
     */
    public static Paragraph of(Paragraph control, String status, List<String> conffiles) throws DebFormatException {
        Paragraph.Builder b = Paragraph.builder();
        for (String name : ORDER) {
            String value = switch (name) {
                case "Status" -> status;
                case "Conffiles" -> conffiles.isEmpty() ? null : "\n " + String.join("\n ", conffiles);
                case "Config-Version", "Triggers-Pending", "Triggers-Awaited" -> null;
                default -> normal(name, control.valueOrNull(name));
            };
            if (value != null) {
                b.add(name, value);
            }
        }
        for (Field f : control.fields()) {
            if (!CANONICAL.containsKey(f.name().toLowerCase(Locale.ROOT)) && !f.value().isEmpty()) {
                b.add(f.name(), f.value());
            }
        }
        return b.build();
    }

    private static String normal(String name, String value) throws DebFormatException {
        if (value == null) {
            return null;
        }
        RelationField relation = RelationField.byName(name);
        if (relation != null) {
            List<Dependency> deps = relation.parse(value);
            return deps.isEmpty() ? null : Dependency.format(deps);
        }
        return switch (name) {
            case "Essential", "Protected" -> value.equals("yes") ? "yes" : null;
            case "Multi-Arch" -> value.equals("no") ? null : value;
            case "Version" -> Version.parse(value).toString();
            default -> value.isEmpty() ? null : value;
        };
    }

    private static Map<String, String> canonical() {
        java.util.HashMap<String, String> m = new java.util.HashMap<>();
        for (String n : ORDER) {
            m.put(n.toLowerCase(Locale.ROOT), n);
        }
        // Fields dpkg knows but does not keep in the status file of an installed package.
        for (String n : new ArrayList<>(List.of("Filename", "Size", "MD5sum", "MSDOS-Filename", "Revision"))) {
            m.put(n.toLowerCase(Locale.ROOT), n);
        }
        return Map.copyOf(m);
    }
}
