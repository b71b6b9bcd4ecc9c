package org.aptostree.daemon.system;

import java.util.List;

/**
 * What {@code apt-ostree db diff} prints in each of its formats, whoever renders it: the CLI in direct mode or the
 * daemon's {@code db_diff}.
 */
public final class DiffOutput {
    /** The formats, the default first. */
    public static final List<String> FORMATS = List.of("block", "diff", "json");

    private DiffOutput() {
    }

    /**
     * @throws IllegalArgumentException for a format not in {@link #FORMATS}
     */
    public static String render(PackageDiff diff, String format) {
        return switch (format) {
            case "block" -> diff.block();
            case "diff" -> diff.diff();
            case "json" -> diff.json() + "\n";
            default -> throw new IllegalArgumentException("expected block, diff or json, not '" + format + "'");
        };
    }
}
