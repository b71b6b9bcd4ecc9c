package org.aptostree.ostree.container;

import java.util.Set;

import org.aptostree.ostree.repo.KeyFile;

/**
 * ostree's {@code usr/lib/ostree/prepare-root.conf}, as far as images care: whether the root is an overlay (a
 * transient root, or composefs possibly enabled), in which case an image may carry any top-level path.
 */
final class PrepareRootConf {
    static final String PATH = "usr/lib/ostree/prepare-root.conf";
    /** libostree's tristate values that may enable composefs, and composefs' own modes. */
    private static final Set<String> COMPOSEFS_ON = Set.of("yes", "true", "1", "maybe", "signed", "verity");

    private PrepareRootConf() {
    }

    /** ostree-ext's {@code overlayfs_enabled_in_config}. */
    static boolean overlayfsEnabled(KeyFile conf) {
        return conf.getBoolean("root", "transient", false)
                || conf.get("composefs", "enabled").map(v -> COMPOSEFS_ON.contains(v.strip())).orElse(false);
    }
}
