package org.aptostree.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.aptostree.solver.cache.PackageCache;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Real requests against the trixie main/amd64 index of the real Debian data, on an empty installed set and
 * on trixie minbase (the .debs of the mirror's pool). Every plan goes through {@link PlanChecker}.
 */
class TrixieIndexTest {
    private static List<PackageVersion> index;
    private static Set<String> minbase;

    @BeforeEach
    void load() {
        if (index == null) {
            index = TrixieData.packages();
            minbase = TrixieData.minbaseFileNames();
        }
    }

    private static Universe universe(boolean withMinbase) {
        Universe.Builder b = Universe.builder("amd64");
        for (PackageVersion p : index) {
            b.addAvailable(p, Universe.DEFAULT_PRIORITY);
            if (withMinbase && TrixieData.inMinbase(minbase, p)) {
                b.addInstalled(p);
            }
        }
        return b.build();
    }

    @Test
    void minbaseIsConsistent() {
        Universe u = universe(true);
        Set<String> missing = new HashSet<>(minbase);
        for (PackageVersion p : u.installedPackages()) {
            missing.remove(p.name() + "_" + p.version().upstream() + (p.version().revision().isEmpty() ? "" : "-" + p.version().revision()) + "_" + p.architecture() + ".deb");
        }
        assertEquals(Set.of(), missing);
        assertEquals(minbase.size(), u.installedPackages().size());
        assertEquals(List.of(), PlanChecker.check(u.installedPackages(), "amd64"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"apache2", "build-essential", "gnome-core", "libreoffice-writer", "postfix", "xfce4"})
    void plansOnMinbasePassTheChecker(String name) throws Exception {
        for (boolean recommends : new boolean[] {false, true}) {
            Universe u = universe(true);
            long start = System.nanoTime();
            Plan plan = new Solver(u).solve(Request.install(List.of(Request.Target.parse(name)), recommends));
            long ms = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("install %s (recommends %s) on minbase: %d changes in %d ms%n", name, recommends,
                    plan.changes().size(), ms);
            assertEquals(List.of(), PlanChecker.check(plan.installedAfter(), "amd64"));
            assertTrue(plan.changes().stream().noneMatch(c -> c.action() == Plan.Action.REMOVE), "no removal");
            assertTrue(plan.installedAfter().stream().anyMatch(p -> p.name().equals(name)));
        }
    }

    /** The index read from its binary cache, as the command line reads it, gives the same plans as the parsed index. */
    @ParameterizedTest
    @ValueSource(strings = {"gnome", "apache2", "postfix"})
    void theCacheGivesTheSamePlans(String name) throws Exception {
        Universe.Builder b = Universe.builder("amd64")
                .addAvailable(PackageCache.read(PackageCache.encode(index, new PackageCache.Origin("", ""))),
                        Universe.DEFAULT_PRIORITY);
        for (PackageVersion p : index) {
            if (TrixieData.inMinbase(minbase, p)) {
                b.addInstalled(p);
            }
        }
        Universe fromCache = b.build();
        for (boolean recommends : new boolean[] {false, true}) {
            Request request = Request.install(List.of(Request.Target.parse(name)), recommends);
            Plan expected = new Solver(universe(true)).solve(request);
            Plan actual = new Solver(fromCache).solve(request);
            assertEquals(expected.changes(), actual.changes());
            assertEquals(expected.installedAfter(), actual.installedAfter());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"apache2", "build-essential", "vim"})
    void plansOnEmptySetPassTheChecker(String name) throws Exception {
        Universe u = universe(false);
        Plan plan = new Solver(u).solve(Request.install(List.of(Request.Target.parse(name)), false));
        assertEquals(List.of(), PlanChecker.check(plan.installedAfter(), "amd64"));
        assertFalse(plan.changes().isEmpty());
    }

    @Test
    void installabilitySweepAgreesWithTheSolverOnASample() throws Exception {
        Universe u = universe(false);
        long start = System.nanoTime();
        Installability.Report report = new Installability(u).check();
        System.out.printf("installability sweep: %d packages, %d not installable, %d solver calls, %d ms%n",
                report.checked(), report.uninstallable().size(), report.solverCalls(), (System.nanoTime() - start) / 1_000_000);
        Set<PackageVersion> broken = new HashSet<>();
        for (Installability.Uninstallable x : report.uninstallable()) {
            broken.add(x.packageVersion());
            assertFalse(x.reasons().isEmpty());
        }
        // Every 500th package that the sweep calls installable really gets a valid plan on its own.
        for (int i = 0; i < u.packages().size(); i += 500) {
            PackageVersion p = u.packages().get(i);
            if (broken.contains(p)) {
                continue;
            }
            Plan plan = new Solver(u).solve(Request.install(
                    List.of(new Request.Target(p.name(), p.architecture(), p.version().toString())), false));
            assertEquals(List.of(), PlanChecker.check(plan.installedAfter(), "amd64"), p.toString());
        }
    }

    /**
     * A bookworm system (its required and essential packages, made consistent by the solver itself) upgraded
     * with the trixie index: the result passes the checker, nothing installed is removed, and the
     * essential packages reach their trixie versions.
     */
    @Test
    void bookwormSystemUpgradesToTrixie() throws Exception {
        List<PackageVersion> bookwormAll = TrixieData.bookwormPackages();
        List<PackageVersion> bookworm = bookwormAll.stream()
                .filter(p -> p.essential() || requiredNames().contains(p.name())).toList();
        Universe.Builder old = Universe.builder("amd64");
        bookwormAll.forEach(p -> old.addAvailable(p, Universe.DEFAULT_PRIORITY));
        Plan base = new Solver(old.build()).solve(Request.install(
                bookworm.stream().map(p -> new Request.Target(p.name(), null, null)).toList(), false));
        Universe.Builder b = Universe.builder("amd64");
        index.forEach(p -> b.addAvailable(p, Universe.DEFAULT_PRIORITY));
        base.installedAfter().forEach(b::addInstalled);
        Universe u = b.build();
        Plan plan = new Solver(u).solve(Request.upgrade(List.of(), false));
        System.out.printf("bookworm base of %d packages upgraded with trixie: %d changes%n",
                base.installedAfter().size(), plan.changes().size());
        assertEquals(List.of(), PlanChecker.check(plan.installedAfter(), "amd64"));
        assertTrue(plan.changes().stream().noneMatch(c -> c.action() == Plan.Action.REMOVE));
        PackageVersion bash = plan.installedAfter().stream().filter(p -> p.name().equals("bash")).findFirst().orElseThrow();
        assertEquals(u.candidate("bash", "amd64").orElseThrow(), bash);
    }

    /** Names with Priority: required in bookworm (the PackageVersion model does not keep Priority). */
    private static Set<String> requiredNames() {
        return Set.of("apt", "base-files", "base-passwd", "bash", "bsdutils", "coreutils", "dash", "debconf",
                "debianutils", "diffutils", "dpkg", "e2fsprogs", "findutils", "gcc-12-base", "grep", "gzip",
                "hostname", "init-system-helpers", "libc-bin", "login", "mawk", "mount", "ncurses-base",
                "ncurses-bin", "passwd", "perl-base", "sed", "sysvinit-utils", "tar", "tzdata", "util-linux");
    }

    /** Two releases, the old one pinned for libc6 only: asking for libc6 cannot work with trixie minbase. */
    @Test
    void conflictingPinIsExplainedOnRealData() {
        Universe.Builder b = Universe.builder("amd64");
        TrixieData.bookwormPackages().forEach(p -> b.addAvailable(p, Universe.DEFAULT_PRIORITY));
        for (PackageVersion p : index) {
            b.addAvailable(p, Universe.DEFAULT_PRIORITY);
            if (TrixieData.inMinbase(minbase, p)) {
                b.addInstalled(p);
            }
        }
        String oldLibc = TrixieData.bookwormPackages().stream().filter(p -> p.name().equals("libc6"))
                .findFirst().orElseThrow().version().toString();
        Universe u = b.pin("libc6", oldLibc, 1001).build();
        UnsatisfiableRequestException e = assertThrows(UnsatisfiableRequestException.class,
                () -> new Solver(u).solve(Request.install(List.of(Request.Target.parse("libc6")), false)));
        String text = String.join("\n", e.reasons());
        System.out.println(text);
        assertTrue(text.contains("you asked for libc6 " + oldLibc), text);
        assertTrue(text.contains("only one of libc6"), text);
        assertTrue(text.contains("depends on libc6 (>= "), text);
    }

    @Test
    void conflictingMailServersAreExplained() {
        Universe u = universe(true);
        UnsatisfiableRequestException e = assertThrows(UnsatisfiableRequestException.class, () -> new Solver(u)
                .solve(Request.install(List.of(Request.Target.parse("postfix"), Request.Target.parse("exim4-daemon-light")), false)));
        String text = String.join("\n", e.reasons());
        System.out.println(text);
        assertTrue(text.contains("mail-transport-agent"), text);
        assertTrue(text.contains("postfix") && text.contains("exim4-daemon-light"), text);
    }

    @Test
    void removingAnEssentialPackageIsExplained() {
        Universe u = universe(true);
        UnsatisfiableRequestException e = assertThrows(UnsatisfiableRequestException.class,
                () -> new Solver(u).solve(Request.remove(List.of(Request.Target.parse("dpkg")))));
        assertTrue(e.reasons().contains("dpkg is installed and essential, so it may not be removed"), e.reasons().toString());
    }
}
