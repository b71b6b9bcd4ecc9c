package org.aptostree.solver;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One pin of an apt_preferences(5) file, for one package name or pattern (a {@code Package:} line naming
 * several gives several pins), or general ({@code Package: *}, {@code packageName} null).
 *
 * @param packageName the name or pattern ({@code /regex/}, glob) without architecture; null for {@code *}
 * @param namePattern the compiled pattern when {@code packageName} is one, else null (plain names match exactly)
 * @param architecture the {@code :arch} qualifier, or null (then the native architecture and {@code all})
 * @param selector    which versions or indexes the pin applies to
 * @param priority    the Pin-Priority ({@link #NEVER} for {@code never})
 * @param source      {@code file:line} of the record, for messages
 */
public record PreferencePin(String packageName, AptPattern namePattern, String architecture, Selector selector,
        int priority, String source) {
    /** {@code Pin-Priority: never} (apt's NEVER_PIN): no version of a matching index may be installed. */
    public static final int NEVER = Short.MIN_VALUE;

    public PreferencePin {
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(source, "source");
    }

    /**
     * A pin for {@code Package: name[:arch]} (or {@code *}) as written.
     *
     * @throws IllegalArgumentException for a {@code /regex/} that does not compile
     */
    public static PreferencePin of(String packageField, Selector selector, int priority, String source) {
        if (packageField.equals("*")) {
            return new PreferencePin(null, null, null, selector, priority, source);
        }
        String name = packageField;
        String arch = null;
        int colon = name.lastIndexOf(':');
        if (colon >= 0) {
            arch = name.substring(colon + 1);
            name = name.substring(0, colon);
        }
        return new PreferencePin(name, AptPattern.isPattern(name) ? AptPattern.of(name) : null, arch, selector,
                priority, source);
    }

    /** A general pin: {@code Package: *}. */
    public boolean isGeneral() {
        return packageName == null;
    }

    /** Whether a specific pin names this package (the version is the selector's business). */
    boolean namesPackage(PackageVersion p, String nativeArchitecture) {
        if (packageName == null) {
            return false;
        }
        boolean nameMatches = namePattern != null ? namePattern.matches(p.name()) : packageName.equals(p.name());
        if (!nameMatches) {
            return false;
        }
        if (architecture == null) {
            return p.architecture().equals(nativeArchitecture) || p.architecture().equals("all");
        }
        return architecture.equals("any") || architecture.equals(p.architecture())
                || (architecture.equals(nativeArchitecture) && p.architecture().equals("all"));
    }

    /** What a pin selects: {@code Pin: version …}, {@code Pin: release …} or {@code Pin: origin …}. */
    public sealed interface Selector permits VersionSelector, ReleaseSelector, OriginSelector {
    }

    /**
     * {@code Pin: version 1.2*}: the version string equal (case-insensitive), with a trailing {@code *} a prefix,
     * or matching as a glob or {@code /regex/}. Only in specific records.
     */
    public record VersionSelector(String text, AptPattern expression) implements Selector {
        public VersionSelector {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(expression, "expression");
        }

        public static VersionSelector parse(String text) {
            String data = text.trim();
            // apt strips the trailing '*' for the prefix test and also matches the rest as a pattern
            return new VersionSelector(data, AptPattern.of(data.endsWith("*") ? data.substring(0, data.length() - 1) : data));
        }

        boolean matches(String version) {
            if (version == null) {
                return false;
            }
            boolean prefix = text.endsWith("*");
            String fixed = prefix ? text.substring(0, text.length() - 1) : text;
            boolean textual = prefix ? version.regionMatches(true, 0, fixed, 0, fixed.length())
                    : version.equalsIgnoreCase(fixed);
            return textual || expression.matches(version);
        }
    }

    /**
     * {@code Pin: release a=…, n=…, v=…, c=…, o=…, l=…, b=…}: every given attribute must match (as a pattern; {@code v=}
     * also as a prefix with a trailing {@code *}). {@code Pin: release *} matches every index; a bare word
     * matches the version when it starts with a digit, else the archive or the codename.
     *
     * @param attributes by pin letter; the key {@code ""} holds a bare word's archive-or-codename
     * @param all        {@code Pin: release *}
     */
    public record ReleaseSelector(Map<String, String> attributes, Map<String, AptPattern> patterns, boolean all)
            implements Selector {
        public ReleaseSelector {
            attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
            patterns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(patterns));
        }

        private static ReleaseSelector of(Map<String, String> attributes) {
            Map<String, AptPattern> patterns = new LinkedHashMap<>();
            attributes.forEach((k, v) -> patterns.put(k, AptPattern.of(k.equals("v") && v.endsWith("*")
                    ? v.substring(0, v.length() - 1) : v)));
            return new ReleaseSelector(attributes, patterns, false);
        }

        /** Parses the text after {@code release}, as apt's pkgVersionMatch does. */
        public static ReleaseSelector parse(String text) {
            String data = text.trim();
            if (data.equals("*")) {
                return new ReleaseSelector(Map.of(), Map.of(), true);
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            if (data.isEmpty()) {
                return of(attributes);
            }
            if (data.indexOf('=') < 0) {
                attributes.put(Character.isDigit(data.charAt(0)) ? "v" : "", data);
                return of(attributes);
            }
            for (String fragment : data.split(",")) {
                String f = fragment.trim();
                // apt ignores fragments it does not know (and ones shorter than "x=y")
                if (f.length() >= 3 && f.charAt(1) == '=' && "vnaolcb".indexOf(Character.toLowerCase(f.charAt(0))) >= 0) {
                    attributes.put(String.valueOf(Character.toLowerCase(f.charAt(0))), f.substring(2).trim());
                }
            }
            return of(attributes);
        }

        boolean matches(IndexRelease r) {
            if (all) {
                return true;
            }
            if (attributes.isEmpty()) {
                return false;
            }
            for (Map.Entry<String, AptPattern> e : patterns.entrySet()) {
                AptPattern pattern = e.getValue();
                boolean ok = switch (e.getKey()) {
                    case "v" -> r.version() != null && (prefixMatches(attributes.get("v"), r.version())
                            || pattern.matches(r.version()));
                    case "o" -> pattern.matches(r.origin());
                    case "a" -> pattern.matches(r.archive());
                    case "n" -> pattern.matches(r.codename());
                    case "l" -> pattern.matches(r.label());
                    case "c" -> pattern.matches(r.component());
                    case "b" -> pattern.matches(r.architecture());
                    case "" -> pattern.matches(r.archive()) || pattern.matches(r.codename());
                    default -> false;
                };
                if (!ok) {
                    return false;
                }
            }
            return true;
        }

        /** apt's MatchVer: equal ignoring case, or with a trailing {@code *} a prefix. */
        private static boolean prefixMatches(String written, String version) {
            boolean prefix = written.endsWith("*");
            String fixed = prefix ? written.substring(0, written.length() - 1) : written;
            return prefix ? version.regionMatches(true, 0, fixed, 0, fixed.length()) : version.equalsIgnoreCase(fixed);
        }
    }

    /** {@code Pin: origin "host"}: the site the index was downloaded from ({@code ""}: a local repository). */
    public record OriginSelector(String site, AptPattern pattern) implements Selector {
        public OriginSelector {
            Objects.requireNonNull(site, "site");
            Objects.requireNonNull(pattern, "pattern");
        }

        public static OriginSelector parse(String text) {
            String data = text.trim();
            if (data.length() >= 2 && data.startsWith("\"") && data.endsWith("\"")) {
                data = data.substring(1, data.length() - 1);
            }
            return new OriginSelector(data, AptPattern.of(data));
        }

        boolean matches(IndexRelease r) {
            return pattern.matches(r.site());
        }
    }

    /** Whether the pin's selector holds for a version (null for an index as a whole) found in an index with these attributes. */
    boolean selects(PackageVersion p, IndexRelease index) {
        if (selector instanceof VersionSelector v) {
            return p != null && v.matches(p.version().toString());
        }
        if (selector instanceof ReleaseSelector r) {
            return r.matches(index);
        }
        return ((OriginSelector) selector).matches(index);
    }
}
