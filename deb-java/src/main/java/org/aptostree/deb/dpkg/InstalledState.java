package org.aptostree.deb.dpkg;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.aptostree.deb.control.Deb822Reader;
import org.aptostree.deb.control.Paragraph;
import org.aptostree.deb.index.PackageRecord;

/**
 * What a system has installed, as a package manager needs it: the packages of dpkg's {@code status} whose files are
 * on disk, whether each is on hold (dpkg's selection), and whether apt installed it only as a dependency
 * ({@code Auto-Installed: 1} in apt's {@code extended_states}).
 */
public final class InstalledState {
    /** One installed package. */
    public record InstalledPackage(PackageRecord record, boolean hold, boolean automatic) {
        public String nameArch() {
            return record.name() + ":" + record.architecture();
        }
    }

    private InstalledState() {
    }

    /**
     * Reads a status file and, if given (null: none), an extended_states file, whose entries without an
     * {@code Architecture} are {@code nativeArchitecture}'s.
     */
    public static List<InstalledPackage> read(InputStream status, InputStream extendedStates, String nativeArchitecture) throws IOException {
        Set<String> automatic = new HashSet<>();
        if (extendedStates != null) {
            try (Deb822Reader reader = new Deb822Reader(extendedStates)) {
                for (Paragraph p = reader.read(); p != null; p = reader.read()) {
                    if ("1".equals(p.get("Auto-Installed").orElse("").trim()) && p.has("Package")) {
                        automatic.add(p.get("Package").orElseThrow().trim() + ":" + p.get("Architecture").orElse(nativeArchitecture).trim());
                    }
                }
            }
        }
        List<InstalledPackage> out = new ArrayList<>();
        try (Deb822Reader reader = new Deb822Reader(status)) {
            for (Paragraph p = reader.read(); p != null; p = reader.read()) {
                String[] state = p.get("Status").orElse("").trim().split("\\s+");
                if (state.length != 3 || !isPresent(state[2]) || !p.has("Version")) {
                    continue;
                }
                PackageRecord record = PackageRecord.from(p);
                out.add(new InstalledPackage(record, state[0].equals("hold"),
                        automatic.contains(record.name() + ":" + record.architecture())));
            }
        }
        return out;
    }

    /** dpkg states in which a package's files are on disk and its dependencies must hold. */
    public static boolean isPresent(String state) {
        return switch (state) {
            case "installed", "unpacked", "half-configured", "triggers-awaited", "triggers-pending" -> true;
            default -> false;
        };
    }
}
