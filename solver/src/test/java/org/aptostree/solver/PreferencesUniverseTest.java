package org.aptostree.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

/** apt_preferences(5) on small universes: which index and which pin decide a version's priority and the candidate. */
class PreferencesUniverseTest {
    static final IndexRelease TRIXIE = new IndexRelease("stable", "trixie", "13.8", "main", "Debian", "Debian",
            "amd64", "deb.debian.org", false, false);
    static final IndexRelease BOOKWORM = new IndexRelease("oldstable", "bookworm", "12.15", "main", "Debian", "Debian",
            "amd64", "deb.debian.org", false, false);
    static final IndexRelease LOCAL = new IndexRelease("local", "local", null, "main", "Me", null, "amd64", "", false,
            false);
    static final IndexRelease EXPERIMENTAL = new IndexRelease("experimental", "rc-buggy", null, "main", "Debian",
            "Debian", "amd64", "deb.debian.org", true, false);

    private static PackageVersion pkg(String name, String version) {
        return Stanzas.parse("Package: " + name + "\nVersion: " + version + "\nArchitecture: amd64\n").get(0);
    }

    /** foo 2 in trixie, foo 1 in bookworm, foo 3 in experimental, foo 1.5 in a local repository. */
    private static Universe.Builder fooEverywhere() {
        return Universe.builder("amd64")
                .addAvailable(pkg("foo", "2"), TRIXIE)
                .addAvailable(pkg("foo", "1"), BOOKWORM)
                .addAvailable(pkg("foo", "3"), EXPERIMENTAL)
                .addAvailable(pkg("foo", "1.5"), LOCAL);
    }

    private static Universe with(String preferences) throws PreferencesException {
        return fooEverywhere().preferences(AptPreferences.parse(preferences, "test")).build();
    }

    private static String candidate(Universe u) {
        return u.candidate("foo", "amd64").map(p -> p.version().toString()).orElse("(none)");
    }

    @Test
    void withoutPreferencesTheReleaseDefaultsDecide() {
        Universe u = fooEverywhere().build();
        assertEquals("2", candidate(u)); // experimental is NotAutomatic: priority 1
        assertEquals(OptionalInt.of(1), u.priority(pkg("foo", "3")));
        assertEquals(OptionalInt.of(500), u.priority(pkg("foo", "1")));
    }

    @Test
    void aReleasePinMovesTheCandidate() throws Exception {
        assertEquals("1", candidate(with("Package: *\nPin: release n=bookworm\nPin-Priority: 990\n")));
        assertEquals("3", candidate(with("Package: foo\nPin: release a=experimental\nPin-Priority: 600\n")));
        assertEquals("1.5", candidate(with("Package: *\nPin: origin \"\"\nPin-Priority: 700\n")));
        // per index the first matching general pin decides (apt's policy.cc; the manual's "maximum" is across indexes)
        assertEquals("1.5", candidate(with("Package: *\nPin: origin \"deb.debian.org\"\nPin-Priority: 50\n"
                + "\nPackage: *\nPin: release n=bookworm\nPin-Priority: 990\n")));
    }

    @Test
    void theFirstMatchingSpecificPinWinsOverGeneralOnes() throws Exception {
        Universe u = with("""
                Package: foo
                Pin: version 1.*
                Pin-Priority: 600

                Package: f*
                Pin: version 1
                Pin-Priority: 800

                Package: *
                Pin: release n=bookworm
                Pin-Priority: 990
                """);
        assertEquals(OptionalInt.of(600), u.priority(pkg("foo", "1.5")));
        assertEquals(OptionalInt.of(800), u.priority(pkg("foo", "1")));
        assertEquals("1", candidate(u));
    }

    @Test
    void theTargetReleaseComesBeforeGeneralPinsButNotSpecificOnes() throws Exception {
        AptPreferences prefs = AptPreferences.parse("Package: *\nPin: release n=bookworm\nPin-Priority: 995\n", "t");
        Universe u = fooEverywhere().preferences(prefs).defaultRelease("trixie").build();
        assertEquals(OptionalInt.of(990), u.priority(pkg("foo", "2")));
        assertEquals("1", candidate(u));
        Universe local = fooEverywhere().defaultRelease("a=local").pin("foo", "2", 991).build();
        assertEquals("2", candidate(local));
    }

    @Test
    void downgradesNeedAtLeast1000() throws Exception {
        Universe.Builder installed2 = fooEverywhere().addInstalled(pkg("foo", "2"));
        assertEquals("2", candidate(installed2.preferences(AptPreferences.parse(
                "Package: *\nPin: release n=bookworm\nPin-Priority: 999\n", "t")).build()));
        Universe.Builder again = fooEverywhere().addInstalled(pkg("foo", "2"));
        assertEquals("1", candidate(again.preferences(AptPreferences.parse(
                "Package: *\nPin: release n=bookworm\nPin-Priority: 1000\n", "t")).build()));
        // apt skips the downgrade and takes the best remaining version, which may have a lower priority
        Universe.Builder third = fooEverywhere().addInstalled(pkg("foo", "2"));
        assertEquals("3", candidate(third.preferences(AptPreferences.parse(
                "Package: *\nPin: release n=bookworm\nPin-Priority: 999\n\n"
                        + "Package: *\nPin: release a=experimental\nPin-Priority: 600\n", "t")).build()));
    }

    @Test
    void theInstalledVersionKeepsAtLeast100() throws Exception {
        Universe u = fooEverywhere().addInstalled(pkg("foo", "2")).preferences(AptPreferences.parse(
                "Package: *\nPin: release a=stable\nPin-Priority: 50\n", "t")).build();
        assertEquals(OptionalInt.of(100), u.priority(pkg("foo", "2")));
        Universe now = fooEverywhere().addInstalled(pkg("foo", "1.5")).preferences(AptPreferences.parse(
                "Package: *\nPin: release a=now\nPin-Priority: 1001\n", "t")).build();
        assertEquals("1.5", candidate(now));
    }

    @Test
    void negativeAndNeverPinsForbidVersions() throws Exception {
        assertEquals("(none)", candidate(with("Package: foo\nPin: release *\nPin-Priority: -1\n")));
        Universe never = with("Package: *\nPin: origin \"deb.debian.org\"\nPin-Priority: never\n\n"
                + "Package: foo\nPin: version 2\nPin-Priority: 1001\n");
        assertEquals("1.5", candidate(never)); // never beats even a specific pin
        Universe negative = with("Package: foo\nPin: version 2\nPin-Priority: -1\n");
        assertEquals("1.5", candidate(negative));
        // without strict pinning other versions are a last resort, but never a negatively pinned one
        Universe onlyTwo = Universe.builder("amd64").addAvailable(pkg("foo", "2"), TRIXIE)
                .addAvailable(pkg("foo", "1"), BOOKWORM)
                .addAvailable(Stanzas.parse("Package: bar\nVersion: 1\nArchitecture: amd64\nDepends: foo (>= 2)\n").get(0), TRIXIE)
                .preferences(AptPreferences.parse("Package: foo\nPin: version 1\nPin-Priority: 990\n\n"
                        + "Package: foo\nPin: version 2\nPin-Priority: -5\n", "t")).build();
        Request request = Request.install(List.of(Request.Target.parse("bar")), false).withStrictPinning(false);
        UnsatisfiableRequestException e = assertThrows(UnsatisfiableRequestException.class,
                () -> new Solver(onlyTwo).solve(request));
        assertTrue(e.reasons().contains("foo 2 amd64 is pinned to priority -5, which forbids installing it")
                || String.join("\n", e.reasons()).contains("pinned to priority -5"), e.reasons().toString());
    }

    @Test
    void aPlainNameMeansTheNativeArchitecture() throws Exception {
        PackageVersion i386 = Stanzas.parse("Package: foo\nVersion: 1\nArchitecture: i386\n").get(0);
        Universe u = Universe.builder("amd64").foreignArchitecture("i386")
                .addAvailable(pkg("foo", "1"), TRIXIE).addAvailable(i386, TRIXIE)
                .preferences(AptPreferences.parse("Package: foo\nPin: version 1\nPin-Priority: 700\n\n"
                        + "Package: foo:i386\nPin: version 1\nPin-Priority: 800\n", "t")).build();
        assertEquals(OptionalInt.of(700), u.priority(pkg("foo", "1")));
        assertEquals(OptionalInt.of(800), u.priority(i386));
    }

    @Test
    void theSolverInstallsThePinnedRelease() throws Exception {
        Universe u = with("Package: *\nPin: release n=bookworm\nPin-Priority: 990\n");
        Plan plan = new Solver(u).solve(Request.install(List.of(Request.Target.parse("foo")), false));
        assertEquals(Optional.of("foo 1 amd64"), plan.changes().stream().map(c -> c.target().toString()).findFirst());
    }
}
