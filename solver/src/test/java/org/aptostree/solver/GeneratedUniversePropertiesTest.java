package org.aptostree.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.aptostree.deb.index.MultiArch;
import org.aptostree.fixtures.deb.InstallProblems;
import org.aptostree.fixtures.deb.InstallProblems.Problem;
import org.aptostree.solver.cache.PackageCache;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * On generated universes (small enough to enumerate every installed set), the solver's answers are checked
 * by {@link PlanChecker} and its "unsatisfiable" verdicts by brute force over all subsets.
 */
class GeneratedUniversePropertiesTest {
    @Provide
    Arbitrary<Problem> scenarios() {
        return InstallProblems.problems();
    }

    @Provide
    Arbitrary<Problem> multiArchScenarios() {
        return InstallProblems.multiArchProblems();
    }

    @Property(tries = 1500)
    void plansAreValidAndUnsatisfiableAgreesWithBruteForce(@ForAll("scenarios") Problem s, @ForAll boolean strict) {
        check(s, strict);
    }

    /** The same with architectures amd64, i386 and all, every Multi-Arch value and {@code :any} relations. */
    @Property(tries = 1500)
    void multiArchPlansAreValidAndUnsatisfiableAgreesWithBruteForce(@ForAll("multiArchScenarios") Problem s,
            @ForAll boolean strict) {
        check(s, strict);
    }

    private void check(Problem s, boolean strict) {
        Universe u = Stanzas.universe(s.available(), s.installed());
        Request request = Request.install(List.of(Request.Target.parse(s.request())), false).withStrictPinning(strict);
        Set<Integer> allowed = allowedForRequest(u, s.request());
        boolean possible = bruteForce(u, allowed, strict);
        Statistics.label("satisfiable").collect(possible);
        try {
            Plan plan = new Solver(u).solve(request);
            assertTrue(possible, "solver found a plan where brute force found none");
            assertEquals(List.of(), PlanChecker.check(plan.installedAfter(), "amd64"));
            assertTrue(plan.installedAfter().stream().anyMatch(p -> allowed.contains(u.packages().indexOf(p))),
                    "the requested package is installed");
            for (PackageVersion p : u.installedPackages()) {
                assertTrue(plan.installedAfter().stream().anyMatch(q -> q.nameArch().equals(p.nameArch())),
                        "installed " + p + " kept");
            }
            // Fewest new packages, checked locally: leaving out any one new package breaks the plan.
            for (Plan.Change c : plan.changes()) {
                if (c.action() == Plan.Action.INSTALL && !allowed.contains(u.packages().indexOf(c.target()))) {
                    List<PackageVersion> smaller = new ArrayList<>(plan.installedAfter());
                    smaller.remove(c.target());
                    assertFalse(PlanChecker.check(smaller, "amd64").isEmpty(), c.target() + " is not needed");
                }
            }
        } catch (UnsatisfiableRequestException e) {
            assertFalse(possible, "solver said unsatisfiable where brute force found a plan: " + e.reasons());
            assertFalse(e.reasons().isEmpty());
        }
    }

    @Property(tries = 300)
    void sameInputGivesSamePlan(@ForAll("scenarios") Problem s) {
        Universe u1 = Stanzas.universe(s.available(), s.installed());
        Universe u2 = Stanzas.universe(s.available(), s.installed());
        Request request = Request.install(List.of(Request.Target.parse(s.request())), true);
        String a;
        String b;
        try {
            a = new Solver(u1).solve(request).changes().toString();
        } catch (UnsatisfiableRequestException e) {
            a = e.reasons().toString();
        }
        try {
            b = new Solver(u2).solve(request).changes().toString();
        } catch (UnsatisfiableRequestException e) {
            b = e.reasons().toString();
        }
        assertEquals(a, b);
    }

    /**
     * A universe whose available packages come from package tables (the binary cache) answers as one built package
     * by package: with one table or two overlapping ones, with or without i386 configured, and with the installed
     * packages added first, as copies without Provides that the tables' copies replace.
     */
    @Property(tries = 600)
    void tablesGiveTheSameAnswersAsPackagesAddedOneByOne(@ForAll("multiArchScenarios") Problem s,
            @ForAll boolean installedFirst, @ForAll boolean i386, @ForAll @IntRange(min = 0, max = 12) int cut,
            @ForAll boolean recommends) throws Exception {
        List<PackageVersion> available = Stanzas.parse(s.available());
        List<PackageVersion> installed = Stanzas.parse(s.installed()).stream()
                .map(p -> installedFirst ? p.withProvides(List.of()) : p).toList();
        int end = Math.min(cut, available.size());
        List<List<PackageVersion>> parts = List.of(available.subList(0, end),
                available.subList(Math.max(0, end - 2), available.size()));
        Universe.Builder byPackage = Universe.builder("amd64");
        Universe.Builder byTable = Universe.builder("amd64");
        if (i386) {
            byPackage.foreignArchitecture("i386");
            byTable.foreignArchitecture("i386");
        }
        if (installedFirst) {
            installed.forEach(byPackage::addInstalled);
            installed.forEach(byTable::addInstalled);
        }
        for (List<PackageVersion> part : parts) {
            part.forEach(p -> byPackage.addAvailable(p, Universe.DEFAULT_PRIORITY));
            byTable.addAvailable(PackageCache.read(PackageCache.encode(part, new PackageCache.Origin("", ""))),
                    Universe.DEFAULT_PRIORITY);
        }
        if (!installedFirst) {
            installed.forEach(byPackage::addInstalled);
            installed.forEach(byTable::addInstalled);
        }
        Universe expected = byPackage.build();
        Universe actual = byTable.build();
        Request request = Request.install(List.of(Request.Target.parse(s.request())), recommends);
        assertEquals(answer(expected, request), answer(actual, request));
        assertEquals(expected.packages(), actual.packages());
        assertEquals(expected.installedPackages(), actual.installedPackages());
        for (PackageVersion p : expected.packages()) {
            assertEquals(expected.candidate(p.name(), p.architecture()), actual.candidate(p.name(), p.architecture()));
            assertEquals(expected.priority(p), actual.priority(p));
        }
    }

    private static String answer(Universe u, Request request) {
        try {
            Plan plan = new Solver(u).solve(request);
            return plan.changes() + " " + plan.installedAfter();
        } catch (UnsatisfiableRequestException e) {
            return e.reasons().toString();
        }
    }

    /** Strict pinning, as the solver: a real name means its candidate, a virtual one any provider's candidate. */
    private static Set<Integer> allowedForRequest(Universe u, String name) {
        Set<Integer> allowed = new HashSet<>();
        for (String arch : List.of("amd64", "all")) {
            if (u.candidate(name, arch).isPresent()) {
                allowed.add(u.packages().indexOf(u.candidate(name, arch).get()));
                return allowed;
            }
        }
        if (!u.versions(name).isEmpty()) {
            return allowed; // a real name, but not for this architecture
        }
        for (int i = 0; i < u.packages().size(); i++) {
            PackageVersion p = u.packages().get(i);
            boolean nativeOrForeign = !p.architecture().equals("i386") || p.multiArch() == MultiArch.FOREIGN;
            if (nativeOrForeign && p.provides().stream().anyMatch(r -> r.name().equals(name))
                    && u.candidate(p.name(), p.architecture()).get().equals(p)) {
                allowed.add(i);
            }
        }
        return allowed;
    }

    /** Is there any installed set with a requested package, every installed name kept, and all rules met? */
    private static boolean bruteForce(Universe u, Set<Integer> allowed, boolean strict) {
        List<PackageVersion> all = u.packages();
        Set<PackageVersion> installed = new HashSet<>(u.installedPackages());
        long forbidden = 0;
        for (int i = 0; i < all.size(); i++) {
            PackageVersion p = all.get(i);
            boolean candidate = u.candidate(p.name(), p.architecture()).orElseThrow().equals(p);
            if (strict && !candidate && !installed.contains(p)) {
                forbidden |= 1L << i; // strict pinning: only candidates and installed versions
            }
        }
        for (long mask = 0; mask < (1L << all.size()); mask++) {
            if ((mask & forbidden) != 0) {
                continue;
            }
            List<PackageVersion> set = new ArrayList<>();
            boolean requested = false;
            for (int i = 0; i < all.size(); i++) {
                if ((mask >> i & 1) == 1) {
                    set.add(all.get(i));
                    requested |= allowed.contains(i);
                }
            }
            if (!requested) {
                continue;
            }
            boolean keeps = true;
            for (PackageVersion p : u.installedPackages()) {
                keeps &= set.stream().anyMatch(q -> q.nameArch().equals(p.nameArch()));
            }
            if (keeps && PlanChecker.check(set, "amd64").isEmpty()) {
                return true;
            }
        }
        return false;
    }
}
