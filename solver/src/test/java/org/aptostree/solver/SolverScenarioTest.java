package org.aptostree.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

class SolverScenarioTest {

    private static Request install(boolean recommends, String... names) {
        return Request.install(Arrays.stream(names).map(Request.Target::parse).toList(), recommends);
    }

    private static String plan(Universe u, Request r) throws UnsatisfiableRequestException {
        Plan plan = new Solver(u).solve(r);
        List<String> problems = PlanChecker.check(plan.installedAfter(), u.nativeArchitecture());
        assertEquals(List.of(), problems, "plan must pass the independent checker");
        return plan.changes().stream()
                .map(c -> (c.action() == Plan.Action.REMOVE ? "-" : "") + c.target().name() + "=" + c.target().version())
                .collect(Collectors.joining(" "));
    }

    private static final String MAIL = """
            Package: postfix
            Version: 3.10.5-1
            Architecture: amd64
            Provides: mail-transport-agent
            Conflicts: mail-transport-agent

            Package: exim4-daemon-light
            Version: 4.98-1
            Architecture: amd64
            Provides: mail-transport-agent
            Conflicts: mail-transport-agent

            Package: mutt
            Version: 2.2-1
            Architecture: amd64
            Depends: default-mta | mail-transport-agent

            Package: default-mta
            Version: 1
            Architecture: all
            Depends: exim4-daemon-light
            """;

    @Test
    void firstAlternativeAndVirtualPackages() throws Exception {
        Universe u = Stanzas.universe(MAIL, "");
        // Fewest new packages beats apt's first-alternative rule: exim4-daemon-light alone satisfies
        // "default-mta | mail-transport-agent", default-mta would only add itself on top.
        assertEquals("exim4-daemon-light=4.98-1 mutt=2.2-1", plan(u, install(false, "mutt")));
        assertEquals("mutt=2.2-1 postfix=3.10.5-1", plan(u, install(false, "mutt", "postfix")));
    }

    @Test
    void conflictThroughVirtualPackageIsExplained() {
        Universe u = Stanzas.universe(MAIL, "");
        UnsatisfiableRequestException e = assertThrows(UnsatisfiableRequestException.class,
                () -> new Solver(u).solve(install(false, "postfix", "exim4-daemon-light")));
        String text = String.join("\n", e.reasons());
        assertTrue(text.contains("postfix conflicts with mail-transport-agent, provided by exim4-daemon-light, which you asked for")
                || text.contains("exim4-daemon-light conflicts with mail-transport-agent, provided by postfix, which you asked for"),
                text);
        assertTrue(text.contains("you asked for postfix"), text);
    }

    @Test
    void missingDependencyIsExplained() {
        Universe u = Stanzas.universe("""
                Package: a
                Version: 1
                Architecture: amd64
                Depends: b (>= 2)

                Package: b
                Version: 1
                Architecture: amd64
                """, "");
        UnsatisfiableRequestException e = assertThrows(UnsatisfiableRequestException.class,
                () -> new Solver(u).solve(install(false, "a")));
        assertEquals(List.of("you asked for a 1", "a 1 depends on b (>= 2), which no available package satisfies"),
                e.reasons());
    }

    @Test
    void versionedProvidesAndUpgrades() throws Exception {
        Universe u = Stanzas.universe("""
                Package: app
                Version: 1
                Architecture: amd64
                Depends: libx (>= 2)

                Package: libx-new
                Version: 5
                Architecture: amd64
                Provides: libx (= 2.5)

                Package: libx-old
                Version: 5
                Architecture: amd64
                Provides: libx

                Package: tool
                Version: 2
                Architecture: amd64
                """, """
                Package: tool
                Version: 1
                Architecture: amd64
                """);
        assertEquals("app=1 libx-new=5", plan(u, install(false, "app")));
        assertEquals("tool=2", plan(u, Request.upgrade(List.of(), false)));
    }

    @Test
    void installedVersionsAreKeptUnlessNeeded() throws Exception {
        Universe u = Stanzas.universe("""
                Package: lib
                Version: 2
                Architecture: amd64

                Package: lib
                Version: 1
                Architecture: amd64

                Package: new
                Version: 1
                Architecture: amd64
                Depends: lib

                Package: newer
                Version: 1
                Architecture: amd64
                Depends: lib (>= 2)
                """, """
                Package: lib
                Version: 1
                Architecture: amd64
                """);
        assertEquals("new=1", plan(u, install(false, "new")));
        assertEquals("lib=2 newer=1", plan(u, install(false, "newer")));
    }

    @Test
    void recommendsAreInstalledWhenAskedAndPossible() throws Exception {
        Universe u = Stanzas.universe("""
                Package: a
                Version: 1
                Architecture: amd64
                Recommends: b, c

                Package: b
                Version: 1
                Architecture: amd64

                Package: c
                Version: 1
                Architecture: amd64
                Conflicts: a
                """, "");
        assertEquals("a=1 b=1", plan(u, install(true, "a")));
        assertEquals("a=1", plan(u, install(false, "a")));
    }

    @Test
    void multiArchSameAndForeign() throws Exception {
        Universe u = Stanzas.universe("""
                Package: libz
                Version: 1
                Architecture: amd64
                Multi-Arch: same

                Package: libz
                Version: 1
                Architecture: i386
                Multi-Arch: same

                Package: prog
                Version: 1
                Architecture: i386
                Depends: libz, tool

                Package: tool
                Version: 1
                Architecture: amd64
                Multi-Arch: foreign
                """, """
                Package: libz
                Version: 1
                Architecture: amd64
                Multi-Arch: same
                """);
        Plan p = new Solver(u).solve(install(false, "prog:i386"));
        assertEquals(List.of("libz 1 i386", "prog 1 i386", "tool 1 amd64"),
                p.changes().stream().map(c -> c.target().toString()).toList());
    }

    @Test
    void essentialAndHeldPackagesStay() {
        Universe.Builder b = Universe.builder("amd64");
        for (PackageVersion p : Stanzas.parse("""
                Package: bash
                Version: 5
                Architecture: amd64
                Essential: yes

                Package: foo
                Version: 2
                Architecture: amd64
                """)) {
            b.addAvailable(p, 500);
        }
        for (PackageVersion p : Stanzas.parse("""
                Package: bash
                Version: 5
                Architecture: amd64
                Essential: yes

                Package: foo
                Version: 1
                Architecture: amd64
                """)) {
            b.addInstalled(p);
        }
        Universe u = b.hold("foo").build();
        UnsatisfiableRequestException e = assertThrows(UnsatisfiableRequestException.class,
                () -> new Solver(u).solve(Request.remove(List.of(Request.Target.parse("bash")))));
        assertTrue(e.reasons().contains("bash is installed and essential, so it may not be removed"), e.reasons().toString());
        UnsatisfiableRequestException held = assertThrows(UnsatisfiableRequestException.class,
                () -> new Solver(u).solve(install(false, "foo")));
        assertTrue(held.reasons().contains("foo 1 is held at its installed version"), held.reasons().toString());
    }

    @Test
    void removalTakesDependentsAlong() throws Exception {
        Universe u = Stanzas.universe("""
                Package: a
                Version: 1
                Architecture: amd64
                Depends: b
                """, """
                Package: a
                Version: 1
                Architecture: amd64
                Depends: b

                Package: b
                Version: 1
                Architecture: amd64
                """);
        // a is kept (manually installed) so removing b must fail, naming both.
        UnsatisfiableRequestException e = assertThrows(UnsatisfiableRequestException.class,
                () -> new Solver(u).solve(Request.remove(List.of(Request.Target.parse("b")))));
        assertEquals(List.of("you asked to remove b", "a is installed (manually) and is kept",
                "a 1 depends on b, satisfied only by b 1"), e.reasons());
        assertEquals("-a=1 -b=1", plan(u, Request.remove(List.of(Request.Target.parse("a"), Request.Target.parse("b")))));
    }

    @Test
    void conflictingPinIsExplained() throws Exception {
        Universe.Builder b = Universe.builder("amd64");
        for (PackageVersion p : Stanzas.parse("""
                Package: foo
                Version: 1
                Architecture: amd64

                Package: foo
                Version: 2
                Architecture: amd64

                Package: bar
                Version: 1
                Architecture: amd64
                Depends: foo (>= 2)
                """)) {
            b.addAvailable(p, 500);
        }
        Universe u = b.pin("foo", "1", 1001).build();
        assertEquals("foo 1 amd64", u.candidate("foo", "amd64").orElseThrow().toString());
        UnsatisfiableRequestException e = assertThrows(UnsatisfiableRequestException.class,
                () -> new Solver(u).solve(install(false, "bar")));
        assertEquals(List.of("you asked for bar 1", "bar 1 depends on foo (>= 2), satisfied only by foo 2",
                "foo 2 is not the candidate version; foo 1 is (pin priority 1001 against 500)"), e.reasons());
        // Without strict pinning the non-candidate is a last resort.
        assertEquals("bar=1 foo=2", plan(u, install(false, "bar").withStrictPinning(false)));
    }

    @Test
    void automaticallyInstalledPackagesMayGo() throws Exception {
        Universe.Builder b = Universe.builder("amd64");
        String stanzas = """
                Package: app
                Version: 1
                Architecture: amd64
                Depends: lib

                Package: lib
                Version: 1
                Architecture: amd64

                Package: rival
                Version: 1
                Architecture: amd64
                Conflicts: lib
                """;
        for (PackageVersion p : Stanzas.parse(stanzas)) {
            b.addAvailable(p, 500);
        }
        for (PackageVersion p : Stanzas.parse(stanzas.substring(0, stanzas.indexOf("Package: rival")))) {
            b.addInstalled(p);
        }
        // app was installed as a dependency and lib too: both may go for rival.
        Universe auto = b.markAutomatic("app").markAutomatic("lib").build();
        assertEquals("-app=1 -lib=1 rival=1", plan(auto, install(false, "rival")));
        // Removing lib takes the automatic app along, but a manual app stops it.
        assertEquals("-app=1 -lib=1", plan(auto, Request.remove(List.of(Request.Target.parse("lib")))));
    }

    @Test
    void virtualRequestTakesTheSmallestProvider() throws Exception {
        Universe u = Stanzas.universe("""
                Package: big-mta
                Version: 1
                Architecture: amd64
                Provides: mail-transport-agent
                Depends: big-lib

                Package: big-lib
                Version: 1
                Architecture: amd64

                Package: small-mta
                Version: 1
                Architecture: amd64
                Provides: mail-transport-agent
                """, "");
        assertEquals("small-mta=1", plan(u, install(false, "mail-transport-agent")));
    }
}
