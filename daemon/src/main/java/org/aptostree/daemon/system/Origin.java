package org.aptostree.daemon.system;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.repo.KeyFile;

/**
 * What a deployment follows and what the admin asked to change on top of it: its {@code .origin} file, with
 * rpm-ostree's keys. {@code [origin] refspec=} names the base (a {@code remote:ref}); a deployment with packages
 * layered or overridden writes {@code baserefspec=} instead, as rpm-ostree does, so that tools which only know
 * plain deployments see it is not one. An image-based deployment has {@code container-image-reference=}.
 * {@code [packages] requested=} are package requests ({@code name}, {@code name=version}, {@code name:arch}),
 * {@code requested-local=} local .debs as {@code <sha256>:<name>_<version>_<arch>}; {@code [overrides] remove=}
 * base packages taken out and {@code replace-local=} base packages replaced by local .debs. Groups and keys it does
 * not know (libostree's {@code [libostree-transient]}, for one) are kept as they were.
 */
public record Origin(Optional<String> refspec, Optional<String> containerImageReference, SortedSet<String> requested,
        SortedMap<String, String> requestedLocal, SortedSet<String> overrideRemove, SortedMap<String, String> overrideReplaceLocal,
        String otherKeys) {

    public Origin {
        requested = Collections.unmodifiableSortedSet(new TreeSet<>(requested));
        requestedLocal = Collections.unmodifiableSortedMap(new TreeMap<>(requestedLocal));
        overrideRemove = Collections.unmodifiableSortedSet(new TreeSet<>(overrideRemove));
        overrideReplaceLocal = Collections.unmodifiableSortedMap(new TreeMap<>(overrideReplaceLocal));
    }

    // Written out, as in the other records a layering compares: a record's generated equals and hashCode are linked
    // through invokedynamic at their first call, which costs a short command milliseconds each (JDK 17).
    @Override
    public boolean equals(Object other) {
        return other instanceof Origin o && refspec.equals(o.refspec) && containerImageReference.equals(o.containerImageReference)
                && requested.equals(o.requested) && requestedLocal.equals(o.requestedLocal) && overrideRemove.equals(o.overrideRemove)
                && overrideReplaceLocal.equals(o.overrideReplaceLocal) && otherKeys.equals(o.otherKeys);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(refspec, containerImageReference, requested, requestedLocal, overrideRemove, overrideReplaceLocal,
                otherKeys);
    }

    /** An origin following {@code refspec}, with nothing layered. */
    public static Origin of(String refspec) {
        return new Origin(Optional.of(refspec), Optional.empty(), new TreeSet<>(), new TreeMap<>(), new TreeSet<>(), new TreeMap<>(), "");
    }

    /** Reads an origin file's keys; {@code source} names it in errors. */
    public static Origin parse(KeyFile file, String source) throws OstreeFormatException {
        Optional<String> refspec = file.get("origin", "refspec").or(() -> file.get("origin", "baserefspec"));
        Optional<String> image = file.get("origin", "container-image-reference");
        if (refspec.isEmpty() && image.isEmpty()) {
            throw new OstreeFormatException(source + ": no refspec, baserefspec or container-image-reference in [origin]");
        }
        SortedMap<String, String> local = locals(file.get("packages", "requested-local").orElse(""), source, "requested-local");
        SortedMap<String, String> replace = locals(file.get("overrides", "replace-local").orElse(""), source, "replace-local");
        KeyFile rest = copy(file);
        for (String[] k : KNOWN) {
            rest.remove(k[0], k[1]);
        }
        for (String group : List.of("origin", "packages", "overrides")) {
            if (rest.hasGroup(group) && rest.group(group).isEmpty()) {
                rest.removeGroup(group);
            }
        }
        return new Origin(refspec, image, new TreeSet<>(list(file.get("packages", "requested").orElse(""))), local,
                new TreeSet<>(list(file.get("overrides", "remove").orElse(""))), replace, rest.format());
    }

    private static final String[][] KNOWN = {{"origin", "refspec"}, {"origin", "baserefspec"},
        {"origin", "container-image-reference"}, {"packages", "requested"}, {"packages", "requested-local"},
        {"overrides", "remove"}, {"overrides", "replace-local"}};

    /** Whether the deployment's tree is more than its base: packages layered, removed or replaced. */
    public boolean hasLayering() {
        return !requested.isEmpty() || !requestedLocal.isEmpty() || !overrideRemove.isEmpty() || !overrideReplaceLocal.isEmpty();
    }

    public Origin withRefspec(String value) {
        return new Origin(Optional.of(value), Optional.empty(), requested, requestedLocal, overrideRemove, overrideReplaceLocal, otherKeys);
    }

    public Origin withContainerImageReference(String value) {
        return new Origin(Optional.empty(), Optional.of(value), requested, requestedLocal, overrideRemove, overrideReplaceLocal, otherKeys);
    }

    public Origin withRequested(SortedSet<String> value) {
        return new Origin(refspec, containerImageReference, value, requestedLocal, overrideRemove, overrideReplaceLocal, otherKeys);
    }

    public Origin withRequestedLocal(SortedMap<String, String> value) {
        return new Origin(refspec, containerImageReference, requested, value, overrideRemove, overrideReplaceLocal, otherKeys);
    }

    public Origin withOverrideRemove(SortedSet<String> value) {
        return new Origin(refspec, containerImageReference, requested, requestedLocal, value, overrideReplaceLocal, otherKeys);
    }

    public Origin withOverrideReplaceLocal(SortedMap<String, String> value) {
        return new Origin(refspec, containerImageReference, requested, requestedLocal, overrideRemove, value, otherKeys);
    }

    /** The origin file, as rpm-ostree writes it: lists end with {@code ;}, empty keys are left out. */
    public KeyFile toKeyFile() {
        KeyFile out;
        try {
            out = KeyFile.parse(otherKeys, "origin");
        } catch (OstreeFormatException e) {
            throw new IllegalStateException("a formatted key file parses again", e);
        }
        String refKey = hasLayering() ? "baserefspec" : "refspec";
        refspec.ifPresent(r -> out.set("origin", refKey, r));
        containerImageReference.ifPresent(r -> out.set("origin", "container-image-reference", r));
        if (!requested.isEmpty()) {
            out.set("packages", "requested", join(requested));
        }
        if (!requestedLocal.isEmpty()) {
            out.set("packages", "requested-local", joinLocals(requestedLocal));
        }
        if (!overrideRemove.isEmpty()) {
            out.set("overrides", "remove", join(overrideRemove));
        }
        if (!overrideReplaceLocal.isEmpty()) {
            out.set("overrides", "replace-local", joinLocals(overrideReplaceLocal));
        }
        return out;
    }

    /** The base as the status shows it: the refspec, or the image reference. */
    public String describeBase() {
        return refspec.or(() -> containerImageReference).orElse("");
    }

    private static List<String> list(String value) {
        List<String> out = new ArrayList<>();
        for (String s : value.split(";")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }

    private static SortedMap<String, String> locals(String value, String source, String key) throws OstreeFormatException {
        SortedMap<String, String> out = new TreeMap<>();
        for (String item : list(value)) {
            int colon = item.indexOf(':');
            if (colon != 64 || !item.substring(0, 64).matches("[0-9a-f]{64}")) {
                throw new OstreeFormatException(source + ": " + key + " entry '" + item + "' is not <sha256>:<name>_<version>_<arch>");
            }
            out.put(item.substring(0, 64), item.substring(65));
        }
        return out;
    }

    private static String join(SortedSet<String> items) {
        return String.join(";", items) + ";";
    }

    private static String joinLocals(SortedMap<String, String> items) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> e : items.entrySet()) {
            out.append(e.getKey()).append(':').append(e.getValue()).append(';');
        }
        return out.toString();
    }

    private static KeyFile copy(KeyFile file) {
        try {
            return KeyFile.parse(file.format(), "origin");
        } catch (OstreeFormatException e) {
            throw new IllegalStateException("a formatted key file parses again", e);
        }
    }
}
