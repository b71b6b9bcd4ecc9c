package org.aptostree.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.aptostree.deb.control.Deb822Writer;
import org.aptostree.deb.control.Paragraph;
import org.aptostree.deb.index.PackageRecord;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real apt as a judge: on the trixie index with a minbase installed set, our plans without Recommends
 * are never larger than {@code apt-get -s --no-install-recommends install} for the same request, and with
 * Recommends both satisfy the same Recommends (we may choose fewer packages to do so). Large requests
 * (xfce4, gnome-core) are left to solver/bench: apt-get -s alone takes half a minute on them.
 */
class AptComparisonTest {
    @TempDir
    static Path dir;
    private static Path aptConfig;
    private static Universe universe;

    @BeforeEach
    void setUp() throws Exception {
        Requirements.tool("apt-get");
        Path mirror = TrixieData.mirror();
        if (universe != null) {
            return;
        }
        Set<String> minbase = TrixieData.minbaseFileNames();
        List<Paragraph> status = new ArrayList<>();
        Universe.Builder b = Universe.builder("amd64");
        List<PackageRecord> records = TrixieData.records();
        List<PackageVersion> versions = TrixieData.packages();
        for (int i = 0; i < records.size(); i++) {
            PackageVersion p = versions.get(i);
            b.addAvailable(p, Universe.DEFAULT_PRIORITY);
            if (TrixieData.inMinbase(minbase, p)) {
                b.addInstalled(p);
                status.add(records.get(i).paragraph().with("Status", "install ok installed"));
            }
        }
        universe = b.build();
        for (String sub : List.of("lists/partial", "cache", "etc/apt/apt.conf.d", "etc/apt/preferences.d",
                "etc/apt/sources.list.d", "archives/partial")) {
            Files.createDirectories(dir.resolve(sub));
        }
        Files.writeString(dir.resolve("status"), Deb822Writer.toText(status), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("etc/apt/sources.list"),
                "deb [trusted=yes] file:" + mirror.toAbsolutePath() + " trixie main\n");
        aptConfig = dir.resolve("apt.conf");
        Files.writeString(aptConfig, String.join("\n",
                "Dir \"" + dir + "/\";", "Dir::State \"" + dir + "/\";", "Dir::State::Lists \"" + dir + "/lists/\";",
                "Dir::State::status \"" + dir + "/status\";", "Dir::Cache \"" + dir + "/cache/\";",
                "Dir::Etc \"" + dir + "/etc/apt/\";", "APT::Architecture \"amd64\";",
                "APT::Architectures { \"amd64\"; };", "Debug::NoLocking \"true\";", "Acquire::Languages \"none\";", ""));
        apt("update");
    }

    private static List<String> apt(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("apt-get", "-q"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("APT_CONFIG", aptConfig.toString());
        Process process = pb.start();
        List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertTrue(process.waitFor(5, TimeUnit.MINUTES));
        return lines;
    }

    private static Set<String> aptInstalls(boolean recommends, String name) throws Exception {
        List<String> lines = recommends ? apt("-s", "install", name)
                : apt("-s", "--no-install-recommends", "install", name);
        Set<String> names = new HashSet<>();
        for (String line : lines) {
            if (line.startsWith("Inst ")) {
                names.add(line.split(" ")[1]);
            }
        }
        assertTrue(!names.isEmpty(), "apt-get said: " + lines);
        return names;
    }

    @Test
    void withoutRecommendsNeverLargerThanApt() throws Exception {
        for (String name : List.of("apache2", "build-essential", "libreoffice-writer", "postfix")) {
            Set<String> apt = aptInstalls(false, name);
            Plan plan = new Solver(universe).solve(Request.install(List.of(Request.Target.parse(name)), false));
            System.out.printf("%s without Recommends: apt %d, apt-ostree %d%n", name, apt.size(), plan.changes().size());
            assertTrue(plan.changes().size() <= apt.size(), name + ": " + plan.changes().size() + " > " + apt.size());
            assertEquals(List.of(), PlanChecker.check(plan.installedAfter(), "amd64"));
        }
    }

    @Test
    void withRecommendsTheDifferenceIsOnlyInChoices() throws Exception {
        for (String name : List.of("apache2", "postfix", "build-essential")) {
            Set<String> apt = aptInstalls(true, name);
            Plan plan = new Solver(universe).solve(Request.install(List.of(Request.Target.parse(name)), true));
            Set<String> ours = new HashSet<>();
            plan.changes().forEach(c -> ours.add(c.target().name()));
            Set<String> onlyApt = new HashSet<>(apt);
            onlyApt.removeAll(ours);
            Set<String> onlyOurs = new HashSet<>(ours);
            onlyOurs.removeAll(apt);
            System.out.printf("%s with Recommends: apt %d, apt-ostree %d; only apt %d, only ours %d%n",
                    name, apt.size(), ours.size(), onlyApt.size(), onlyOurs.size());
            // Every Recommends group of a package we install that apt's final set satisfies, ours satisfies too:
            // what apt adds on top comes from preferring first alternatives over ones already present.
            Set<String> oursAfter = names(plan.installedAfter());
            Set<String> aptAfter = new HashSet<>(apt);
            universe.installedPackages().forEach(p -> aptAfter.add(p.name()));
            List<PackageVersion> aptPackages = new ArrayList<>();
            for (String n : aptAfter) {
                universe.candidate(n, "amd64").or(() -> universe.candidate(n, "all")).ifPresent(aptPackages::add);
            }
            for (PackageVersion p : plan.installedAfter()) {
                for (var group : p.recommends()) {
                    boolean oursOk = group.alternatives().stream().anyMatch(r -> satisfied(oursAfter, plan.installedAfter(), r.name()));
                    boolean aptOk = group.alternatives().stream().anyMatch(r -> satisfied(aptAfter, aptPackages, r.name()));
                    assertTrue(oursOk || !aptOk, p + " Recommends " + group + ": apt satisfies it, we do not");
                }
            }
        }
    }

    private static Set<String> names(List<PackageVersion> packages) {
        Set<String> names = new HashSet<>();
        packages.forEach(p -> names.add(p.name()));
        return names;
    }

    private static boolean satisfied(Set<String> names, List<PackageVersion> packages, String name) {
        return names.contains(name)
                || packages.stream().anyMatch(q -> q.provides().stream().anyMatch(r -> r.name().equals(name)));
    }
}
