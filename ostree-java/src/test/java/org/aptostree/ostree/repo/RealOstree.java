package org.aptostree.ostree.repo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.aptostree.ostree.container.ExternalCommand;

/** Runs the real {@code ostree} CLI (Debian's package is the oracle for compatibility). */
public final class RealOstree {
    private RealOstree() {
    }

    /** Runs ostree with the arguments; returns stdout, or throws with stderr if it fails. */
    public static String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("ostree");
        cmd.addAll(List.of(args));
        return ExternalCommand.run(cmd, Map.of());
    }
}
