package org.aptostree.ostree.container;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which component (a Debian source package, say) owns which files, to split a commit into one layer per component.
 * Paths are absolute as the package manager lists them ({@code /bin/sh}); they are resolved in the commit, through
 * directory symlinks and {@code /etc} → {@code /usr/etc}. Objects no component claims go to a component of
 * their own, {@value #UNPACKAGED}, which is taken to change with every build.
 */
public record ContentMeta(List<Component> components) {
    public static final String UNPACKAGED = "aptostree-unpackaged-content";

    /**
     * One component: its name (the layer's history entry), the package names the layer's {@code ostree.components}
     * annotation lists, and its files.
     */
    public record Component(String name, List<String> packages, Set<String> paths) {
        public Component {
            Objects.requireNonNull(name, "name");
            packages = List.copyOf(packages);
            paths = Set.copyOf(paths);
        }
    }

    public ContentMeta {
        components = List.copyOf(components);
    }
}
