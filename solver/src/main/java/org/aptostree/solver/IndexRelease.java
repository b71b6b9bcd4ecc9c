package org.aptostree.solver;

import java.util.Objects;

import org.aptostree.deb.control.Paragraph;

/**
 * What apt knows about the Packages index a version comes from, and what {@code Pin: release} and
 * {@code Pin: origin} records match against. Any attribute may be null (absent); a null attribute never
 * matches a pin that names it.
 *
 * @param archive      the Release file's Suite ({@code a=}, e.g. {@code stable})
 * @param codename     Codename ({@code n=}, e.g. {@code trixie})
 * @param version      Version ({@code v=}, e.g. {@code 13.8})
 * @param component    the index's component ({@code c=}, e.g. {@code main})
 * @param origin       Origin ({@code o=}, e.g. {@code Debian})
 * @param label        Label ({@code l=})
 * @param architecture the index's architecture ({@code b=}, e.g. {@code amd64})
 * @param site         the host the index was fetched from, for {@code Pin: origin "host"}; {@code ""} for a
 *                     local ({@code file:}) repository; null when unknown (then no origin pin matches)
 * @param notAutomatic        Release's {@code NotAutomatic: yes} (default priority 1, like experimental)
 * @param butAutomaticUpgrades Release's {@code ButAutomaticUpgrades: yes} (with NotAutomatic: 100, like backports)
 */
public record IndexRelease(String archive, String codename, String version, String component, String origin,
        String label, String architecture, String site, boolean notAutomatic, boolean butAutomaticUpgrades) {

    /** An index about which nothing is known: only {@code Pin: release *} matches it. */
    public static final IndexRelease UNKNOWN = new IndexRelease(null, null, null, null, null, null, null, null,
            false, false);

    /** The dpkg status file as apt sees it: archive and component {@code now}, no Release file, no site. */
    public static final IndexRelease STATUS = new IndexRelease("now", null, null, "now", null, null, null, null,
            false, false);

    // Written out, as in the other records a layering compares: a record's generated equals and hashCode are linked
    // through invokedynamic at their first call, which costs a short command milliseconds each (JDK 17).
    @Override
    public boolean equals(Object other) {
        return other instanceof IndexRelease r && Objects.equals(archive, r.archive) && Objects.equals(codename, r.codename)
                && Objects.equals(version, r.version) && Objects.equals(component, r.component) && Objects.equals(origin, r.origin)
                && Objects.equals(label, r.label) && Objects.equals(architecture, r.architecture) && Objects.equals(site, r.site)
                && notAutomatic == r.notAutomatic && butAutomaticUpgrades == r.butAutomaticUpgrades;
    }

    @Override
    public int hashCode() {
        return Objects.hash(archive, codename, version, component, origin, label, architecture, site, notAutomatic, butAutomaticUpgrades);
    }

    /**
     * The attributes of a Release (or InRelease) stanza for one of its indexes.
     *
     * @param component    the component the index belongs to (null for a flat repository)
     * @param architecture the index's architecture (null when unknown)
     * @param site         the host it comes from ({@code ""} for a local repository)
     */
    public static IndexRelease of(Paragraph release, String component, String architecture, String site) {
        return new IndexRelease(trimmed(release, "Suite"), trimmed(release, "Codename"), trimmed(release, "Version"),
                component, trimmed(release, "Origin"), trimmed(release, "Label"), architecture, site,
                "yes".equalsIgnoreCase(trimmed(release, "NotAutomatic")),
                "yes".equalsIgnoreCase(trimmed(release, "ButAutomaticUpgrades")));
    }

    private static String trimmed(Paragraph p, String field) {
        String v = p.valueOrNull(field);
        return v == null ? null : v.trim();
    }

    /** apt's priority of the index before any preferences: 500, 1 for NotAutomatic, 100 with ButAutomaticUpgrades. */
    public int defaultPriority() {
        if (this.equals(STATUS)) {
            return Universe.INSTALLED_ONLY_PRIORITY;
        }
        if (notAutomatic) {
            return butAutomaticUpgrades ? 100 : 1;
        }
        return Universe.DEFAULT_PRIORITY;
    }

    /**
     * A copy with one attribute replaced, by its pin letter ({@code a n v c o l b}) or {@code site};
     * how a command line states what no Release file says.
     *
     * @throws IllegalArgumentException for another key
     */
    public IndexRelease with(String key, String value) {
        return switch (key) {
            case "a" -> new IndexRelease(value, codename, version, component, origin, label, architecture, site,
                    notAutomatic, butAutomaticUpgrades);
            case "n" -> new IndexRelease(archive, value, version, component, origin, label, architecture, site,
                    notAutomatic, butAutomaticUpgrades);
            case "v" -> new IndexRelease(archive, codename, value, component, origin, label, architecture, site,
                    notAutomatic, butAutomaticUpgrades);
            case "c" -> new IndexRelease(archive, codename, version, value, origin, label, architecture, site,
                    notAutomatic, butAutomaticUpgrades);
            case "o" -> new IndexRelease(archive, codename, version, component, value, label, architecture, site,
                    notAutomatic, butAutomaticUpgrades);
            case "l" -> new IndexRelease(archive, codename, version, component, origin, value, architecture, site,
                    notAutomatic, butAutomaticUpgrades);
            case "b" -> new IndexRelease(archive, codename, version, component, origin, label, value, site,
                    notAutomatic, butAutomaticUpgrades);
            case "site" -> new IndexRelease(archive, codename, version, component, origin, label, architecture, value,
                    notAutomatic, butAutomaticUpgrades);
            default -> throw new IllegalArgumentException("unknown release attribute '" + key
                    + "' (a, n, v, c, o, l, b or site)");
        };
    }

    /** {@code a=…,n=…,…} as {@code apt-cache policy} prints it (absent attributes left out). */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        append(out, "v", version);
        append(out, "o", origin);
        append(out, "a", archive);
        append(out, "n", codename);
        append(out, "l", label);
        append(out, "c", component);
        append(out, "b", architecture);
        append(out, "site", site == null ? null : "\"" + site + "\"");
        return out.toString();
    }

    private static void append(StringBuilder out, String key, String value) {
        if (value != null) {
            out.append(out.isEmpty() ? "" : ",").append(key).append('=').append(value);
        }
    }
}
