package org.aptostree.daemon.compose;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.aptostree.deb.control.Deb822Reader;
import org.aptostree.deb.control.Paragraph;

/**
 * apt's record of automatically installed packages ({@code var/lib/apt/extended_states}), so that apt in the image
 * knows what it may autoremove, as after mmdebstrap or {@code apt-get install}. apt lists every package under the
 * native architecture. Entries already there are kept.
 */
final class ExtendedStates {
    private ExtendedStates() {
    }

    /** Records the {@link LockedPackage#automatic} ones of {@code packages}; nothing when the tree has no apt. */
    static void record(Path root, List<LockedPackage> packages, String nativeArchitecture) throws IOException {
        Path dir = root.resolve("var/lib/apt");
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path file = dir.resolve("extended_states");
        Map<String, String> entries = new LinkedHashMap<>();
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            try (InputStream in = Files.newInputStream(file); Deb822Reader r = new Deb822Reader(in)) {
                for (Paragraph p = r.read(); p != null; p = r.read()) {
                    String name = p.valueOrNull("Package");
                    if (name != null) {
                        entries.put(name + ":" + p.get("Architecture").orElse(nativeArchitecture), stanza(name,
                                p.get("Architecture").orElse(nativeArchitecture), p.get("Auto-Installed").orElse("0").strip()));
                    }
                }
            }
        }
        boolean added = false;
        for (LockedPackage p : packages) {
            if (p.automatic()) {
                entries.put(p.name() + ":" + nativeArchitecture, stanza(p.name(), nativeArchitecture, "1"));
                added = true;
            }
        }
        if (!added) {
            return;
        }
        Path tmp = dir.resolve(".extended_states.aptostree-new");
        Files.writeString(tmp, String.join("", entries.values()));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String stanza(String name, String arch, String auto) {
        return "Package: " + name + "\nArchitecture: " + arch + "\nAuto-Installed: " + auto + "\n\n";
    }
}
