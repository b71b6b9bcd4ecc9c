package org.aptostree.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void aReleasePinChangesTheCandidate() throws Exception {
        assertEquals("trixie", release("trixie").codename());
        assertEquals("oldstable", release("bookworm").archive());
        Universe plain = universe("");
        assertTrue(candidate(plain, "libc6").startsWith("2.41-"), candidate(plain, "libc6"));
        Universe old = universe("Package: *\nPin: release n=bookworm\nPin-Priority: 990\n");
        assertTrue(candidate(old, "libc6").startsWith("2.36-"), candidate(old, "libc6"));
        assertTrue(candidate(old, "dash").equals("0.5.12-2"), candidate(old, "dash"));

        // Only dash from oldstable; a general 'Pin: release v=13*' keeps the rest on trixie.
        Universe mixed = universe("""
                Package: dash
                Pin: release a=oldstable, o=Debian
                Pin-Priority: 1001

                Package: *
                Pin: release v=13*, l=Debian
                Pin-Priority: 600
                """);
        assertTrue(candidate(mixed, "dash").equals("0.5.12-2"), candidate(mixed, "dash"));
        assertTrue(candidate(mixed, "libc6").startsWith("2.41-"), candidate(mixed, "libc6"));
        Plan plan = new Solver(mixed).solve(Request.install(List.of(Request.Target.parse("dash")), false));
        assertTrue(plan.changes().stream().anyMatch(c -> c.target().toString().equals("dash 0.5.12-2 amd64")),
                plan.changes().toString());
    }
}
