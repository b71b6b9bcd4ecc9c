package org.aptostree.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.aptostree.deb.control.Deb822Reader;
import org.aptostree.deb.verify.ClearSigned;
import org.junit.jupiter.api.Test;

/** Release pins on the real trixie and bookworm indexes, with the attributes of their real InRelease files. */
class PreferencesTrixieTest {

    private static IndexRelease release(String suite) throws Exception {
        Path inRelease = TrixieData.mirror().resolve("dists/" + suite + "/InRelease");
        String text = ClearSigned.parse(Files.readAllBytes(inRelease)).text();
        return IndexRelease.of(Deb822Reader.parseAll(text).get(0), "main", "amd64", "");
    }

    private static Universe universe(String preferences) throws Exception {
        Universe.Builder b = Universe.builder("amd64");
        IndexRelease trixie = release("trixie");
        IndexRelease bookworm = release("bookworm");
        TrixieData.packages().forEach(p -> b.addAvailable(p, trixie));
        TrixieData.bookwormPackages().forEach(p -> b.addAvailable(p, bookworm));
        return b.preferences(AptPreferences.parse(preferences, "test")).build();
    }

    private static String candidate(Universe u, String name) {
        return u.candidate(name, "amd64").map(p -> p.version().toString()).orElse("(none)");
    }

    /** The amd64 version of {@code name} in an index. */
    private static String version(List<PackageVersion> index, String name) {
        return index.stream().filter(p -> p.name().equals(name) && p.architecture().equals("amd64")).findFirst()
                .orElseThrow().version().toString();
    }

    @Test
    void aReleasePinChangesTheCandidate() throws Exception {
        IndexRelease trixie = release("trixie");
        IndexRelease bookworm = release("bookworm");
        assertEquals("trixie", trixie.codename());
        assertEquals("bookworm", bookworm.codename());
        assertTrue(bookworm.archive().endsWith("stable") && !bookworm.archive().equals(trixie.archive()), bookworm.archive());
        // The expected versions come from the indexes: point releases move them.
        String newLibc = version(TrixieData.packages(), "libc6");
        String oldLibc = version(TrixieData.bookwormPackages(), "libc6");
        String oldDash = version(TrixieData.bookwormPackages(), "dash");
        assertNotEquals(oldDash, version(TrixieData.packages(), "dash"), "dash must differ for the pins to show");
        Universe plain = universe("");
        assertEquals(newLibc, candidate(plain, "libc6"));
        Universe old = universe("Package: *\nPin: release n=bookworm\nPin-Priority: 990\n");
        assertEquals(oldLibc, candidate(old, "libc6"));
        assertEquals(oldDash, candidate(old, "dash"));

        // Only dash from the old release; a general 'Pin: release v=<trixie's major version>*' keeps the rest on trixie.
        Universe mixed = universe("""
                Package: dash
                Pin: release a=%s, o=Debian
                Pin-Priority: 1001

                Package: *
                Pin: release v=%s*, l=Debian
                Pin-Priority: 600
                """.formatted(bookworm.archive(), trixie.version().split("\\.")[0]));
        assertEquals(oldDash, candidate(mixed, "dash"));
        assertEquals(newLibc, candidate(mixed, "libc6"));
        Plan plan = new Solver(mixed).solve(Request.install(List.of(Request.Target.parse("dash")), false));
        assertTrue(plan.changes().stream().anyMatch(c -> c.target().toString().equals("dash " + oldDash + " amd64")),
                plan.changes().toString());
    }
}
