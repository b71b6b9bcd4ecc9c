package org.aptostree.solver;

import java.util.List;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.control.Deb822Reader;
import org.aptostree.deb.control.Paragraph;
import org.aptostree.deb.index.PackageRecord;

/** Builds test packages from deb822 text, through deb-java's own reader, so tests read like Packages files. */
public final class Stanzas {
    private Stanzas() {
    }

    public static List<PackageVersion> parse(String text) {
        try {
            return Deb822Reader.parseAll(text).stream().map(Stanzas::record).map(PackageVersion::from).toList();
        } catch (DebFormatException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static PackageRecord record(Paragraph p) {
        try {
            return PackageRecord.from(p);
        } catch (DebFormatException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A universe of available packages (priority 500) and installed ones, native amd64, foreign i386. */
    static Universe universe(String available, String installed) {
        Universe.Builder b = Universe.builder("amd64").foreignArchitecture("i386");
        for (PackageVersion p : parse(available)) {
            b.addAvailable(p, Universe.DEFAULT_PRIORITY);
        }
        for (PackageVersion p : parse(installed)) {
            b.addInstalled(p);
        }
        return b.build();
    }
}
