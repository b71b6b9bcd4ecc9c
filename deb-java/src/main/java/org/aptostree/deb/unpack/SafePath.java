package org.aptostree.deb.unpack;

import java.util.ArrayList;
import java.util.List;

import org.aptostree.deb.DebFormatException;

/**
 * A tar member name reduced to safe relative components: {@code ./} and repeated slashes dropped;
 * absolute names, {@code ..} components, NUL bytes and empty names refused.
 *
 * @param components the path components, never empty except for the root entry {@code ./}
 */
public record SafePath(List<String> components) {

    /** Copies the list. */
    public SafePath {
        components = List.copyOf(components);
    }

    /**
     * Parses a member name.
     *
     * @throws DebFormatException "unsafe path" with the reason
     */
    public static SafePath of(String name) throws DebFormatException {
        if (name.startsWith("/")) {
            throw new DebFormatException("unsafe path '" + name + "': absolute");
        }
        if (name.indexOf('\0') >= 0) {
            throw new DebFormatException("unsafe path: contains NUL");
        }
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new DebFormatException("unsafe path '" + name + "': contains '..'");
            }
            parts.add(part);
        }
        return new SafePath(parts);
    }

    /** True for the archive root ({@code ./}). */
    public boolean isRoot() {
        return components.isEmpty();
    }

    /** The path relative to the root, {@code "."} for the root itself. */
    @Override
    public String toString() {
        return components.isEmpty() ? "." : String.join("/", components);
    }
}
