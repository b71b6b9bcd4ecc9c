package org.aptostree.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated indexes (release attributes from small pools), versions spread over them, and general and specific
 * pins: invariants of apt's policy that hold whatever the preferences say.
 */
class PreferencesPropertiesTest {
    record Placement(String version, int index) {
    }

    record Scenario(List<IndexRelease> indexes, List<Placement> placements, String installed, String preferences) {
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<IndexRelease> index = Combinators.combine(Arbitraries.of("stable", "oldstable", "unstable"),
                Arbitraries.of("Debian", "Me"), Arbitraries.of("deb.debian.org", ""), Arbitraries.of(false, true))
                .as((a, o, site, notAutomatic) -> new IndexRelease(a, a + "-name", null, "main", o, o, "amd64", site,
                        notAutomatic, false));
        Arbitrary<List<IndexRelease>> indexes = index.list().ofMinSize(1).ofMaxSize(3);
        Arbitrary<String> selector = Arbitraries.oneOf(
                Arbitraries.of("a=stable", "a=oldstable", "n=unstable-name", "o=Me", "o=Debian, a=stable", "*", "a=now")
                        .map(r -> "release " + r),
                Arbitraries.of("\"deb.debian.org\"", "\"\"").map(o -> "origin " + o));
        Arbitrary<Integer> priority = Arbitraries.of(-10, 1, 50, 100, 500, 600, 990, 1000, 1001);
        Arbitrary<String> general = Combinators.combine(selector, priority)
                .as((s, p) -> "Package: *\nPin: " + s + "\nPin-Priority: " + p + "\n");
        Arbitrary<String> specific = Combinators.combine(Arbitraries.of("foo", "f*", "/^fo/"),
                Arbitraries.oneOf(selector, Arbitraries.of("1", "2*", "3").map(v -> "version " + v)), priority)
                .as((n, s, p) -> "Package: " + n + "\nPin: " + s + "\nPin-Priority: " + p + "\n");
        Arbitrary<String> preferences = Arbitraries.oneOf(general, specific).list().ofMaxSize(4)
                .map(l -> String.join("\n", l));
        return indexes.flatMap(list -> Combinators.combine(
                Combinators.combine(Arbitraries.of("1", "2", "2.1", "3"), Arbitraries.integers().between(0, list.size() - 1))
                        .as(Placement::new).list().ofMinSize(1).ofMaxSize(5),
                Arbitraries.of("", "1", "2", "4"), preferences)
                .as((placements, installed, prefs) -> new Scenario(list, placements, installed, prefs)));
    }

    private static PackageVersion foo(String version) {
        return Stanzas.parse("Package: foo\nVersion: " + version + "\nArchitecture: amd64\n").get(0);
    }

    private static Universe build(Scenario s, List<Placement> placements, AptPreferences prefs) {
        Universe.Builder b = Universe.builder("amd64").preferences(prefs);
        for (Placement p : placements) {
            b.addAvailable(foo(p.version()), s.indexes().get(p.index()));
        }
        if (!s.installed().isEmpty()) {
            b.addInstalled(foo(s.installed()));
        }
        return b.build();
    }

    @Property(tries = 300)
    void theCandidateFollowsAptsRules(@ForAll("scenarios") Scenario s) throws Exception {
        AptPreferences prefs = AptPreferences.parse(s.preferences(), "generated");
        Universe u = build(s, s.placements(), prefs);
        List<PackageVersion> versions = u.versions("foo");
        var candidate = u.candidate("foo", "amd64");
        var installed = u.installedVersion("foo", "amd64");
        // eligible: priority above 0 and, below 1000, no downgrade
        List<PackageVersion> eligible = new ArrayList<>();
        for (PackageVersion v : versions) {
            int p = u.priority(v).getAsInt();
            if (p > 0 && (p >= 1000 || installed.isEmpty() || v.version().compareTo(installed.get().version()) >= 0)) {
                eligible.add(v);
            }
        }
        assertEquals(eligible.isEmpty(), candidate.isEmpty(), () -> s + " " + versions);
        if (candidate.isPresent()) {
            int best = u.priority(candidate.get()).getAsInt();
            for (PackageVersion v : eligible) {
                int p = u.priority(v).getAsInt();
                assertTrue(p < best || (p == best && v.version().compareTo(candidate.get().version()) <= 0),
                        () -> v + " (" + p + ") should not lose to " + candidate.get() + " (" + best + ") in " + s);
            }
        }
        // the installed version never drops below the status file's 100 unless a pin can match the status file
        // ('release *', 'a=now') or a specific pin names it
        if (installed.isPresent() && !s.preferences().contains("Package: f") && !s.preferences().contains("Package: /")
                && !s.preferences().contains("release *") && !s.preferences().contains("a=now")) {
            assertTrue(u.priority(installed.get()).getAsInt() >= 100 || u.priority(installed.get()).getAsInt() == PreferencePin.NEVER,
                    () -> s.toString());
        }
    }

    @Property(tries = 200)
    void indexOrderDoesNotMatterAndLaterPinsDoNotOverrideEarlierOnes(@ForAll("scenarios") Scenario s,
            @ForAll("scenarios") Scenario other) throws Exception {
        AptPreferences prefs = AptPreferences.parse(s.preferences(), "generated");
        Universe u = build(s, s.placements(), prefs);
        List<Placement> reversed = new ArrayList<>(s.placements());
        java.util.Collections.reverse(reversed);
        Universe r = build(s, reversed, prefs);
        // A specific pin that names foo with 'Pin: release *' matches every version: appending other pins after it changes nothing.
        AptPreferences first = AptPreferences.parse("Package: foo\nPin: release *\nPin-Priority: 321\n", "first");
        Universe pinned = build(s, s.placements(), first.then(prefs).then(AptPreferences.parse(other.preferences(), "other")));
        for (PackageVersion v : u.versions("foo")) {
            assertEquals(u.priority(v), r.priority(v), () -> v + " in " + s);
            OptionalInt p = pinned.priority(v);
            assertTrue(p.getAsInt() == 321 || p.getAsInt() == PreferencePin.NEVER, () -> v + " " + p + " in " + s);
        }
        assertEquals(u.candidate("foo", "amd64"), r.candidate("foo", "amd64"));
    }
}
