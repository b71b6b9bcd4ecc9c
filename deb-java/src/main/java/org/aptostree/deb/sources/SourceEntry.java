package org.aptostree.deb.sources;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One APT source (sources.list(5)): from a one-line {@code deb [opts] uri suite comp...} line or
 * a deb822 {@code .sources} stanza, with options under their deb822 names ({@code Architectures},
 * {@code Signed-By}, {@code Trusted}, {@code Check-Valid-Until}, ...). A one-line {@code opt+=v}
 * is {@code Opt-Add}, {@code opt-=v} is {@code Opt-Remove}.
 *
 * @param types      {@code deb} and/or {@code deb-src}
 * @param uris       repository URIs as written
 * @param suites     suites; one ending in {@code /} is an exact path (flat repository)
 * @param components components (empty for flat repositories)
 * @param options    other fields, values split on white space (deb822) or commas (one-line);
 *                   Signed-By keeps an embedded key block as a single value
 * @param line       the 1-based line the entry starts on
 */
public record SourceEntry(List<String> types, List<String> uris, List<String> suites, List<String> components,
                          Map<String, List<String>> options, long line) {

    /** Copies the collections. */
    public SourceEntry {
        types = List.copyOf(types);
        uris = List.copyOf(uris);
        suites = List.copyOf(suites);
        components = List.copyOf(components);
        java.util.LinkedHashMap<String, List<String>> copy = new java.util.LinkedHashMap<>();
        options.forEach((k, v) -> copy.put(Objects.requireNonNull(k), List.copyOf(v)));
        options = java.util.Collections.unmodifiableMap(copy);
    }

    /** An option's values (case-insensitive name), empty when absent. */
    public List<String> option(String name) {
        for (Map.Entry<String, List<String>> e : options.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return List.of();
    }

    /** The architectures option, empty when absent (then APT uses the configured ones). */
    public List<String> architectures() {
        return option("Architectures");
    }

    /**
     * Signed-By values: absolute keyring paths and/or fingerprints, or one armored
     * {@code -----BEGIN PGP PUBLIC KEY BLOCK-----} (with its line breaks) when embedded.
     */
    public List<String> signedBy() {
        return option("Signed-By");
    }

    /** True when Signed-By holds an embedded key rather than paths or fingerprints. */
    public boolean hasEmbeddedKey() {
        List<String> s = signedBy();
        return s.size() == 1 && s.get(0).startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----");
    }

    /** {@code Trusted: yes}: signatures are not required (APT's tri-state; null when unset). */
    public Boolean trusted() {
        List<String> t = option("Trusted");
        return t.isEmpty() ? null : t.get(0).equalsIgnoreCase("yes") || t.get(0).equalsIgnoreCase("true");
    }

    /** True for {@code Enabled: no}. */
    public boolean disabled() {
        List<String> e = option("Enabled");
        return !e.isEmpty() && (e.get(0).equalsIgnoreCase("no") || e.get(0).equalsIgnoreCase("false"));
    }

    /** True when the (first) suite is an exact path, i.e. a flat repository. */
    public boolean isFlat() {
        return !suites.isEmpty() && suites.get(0).endsWith("/");
    }
}
