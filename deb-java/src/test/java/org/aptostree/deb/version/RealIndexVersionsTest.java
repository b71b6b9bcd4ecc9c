package org.aptostree.deb.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.aptostree.deb.control.Dependency;
import org.aptostree.deb.control.Relation;
import org.aptostree.deb.index.PackageIndex;
import org.aptostree.deb.index.PackageRecord;
import org.aptostree.testkit.DebianData;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.Test;

/**
 * Versions drawn from the real trixie and bookworm indexes compare as dpkg compares them: the same
 * package across the two suites, and each package's version against the bounds its dependents use.
 */
class RealIndexVersionsTest {

    @Test
    void realPairsAgreeWithDpkg() throws Exception {
        Requirements.tool("dpkg");
        Path dists = DebianData.mirror().resolve("dists");
        Map<String, String> bookworm = new HashMap<>();
        PackageIndex.read(dists.resolve("bookworm/main/binary-amd64/Packages.xz"),
                r -> bookworm.put(r.name(), r.paragraph().valueOrNull("Version")));
        List<String[]> acrossSuites = new ArrayList<>();
        List<String[]> againstBounds = new ArrayList<>();
        Map<String, String> trixie = new HashMap<>();
        List<PackageRecord> records = PackageIndex.readAll(dists.resolve("trixie/main/binary-amd64/Packages.xz"));
        for (PackageRecord r : records) {
            trixie.put(r.name(), r.paragraph().valueOrNull("Version"));
        }
        for (PackageRecord r : records) {
            String old = bookworm.get(r.name());
            if (old != null) {
                acrossSuites.add(new String[] {old, trixie.get(r.name())});
            }
            for (Dependency d : r.depends()) {
                for (Relation rel : d.alternatives()) {
                    String target = trixie.get(rel.name());
                    if (rel.isVersioned() && target != null) {
                        againstBounds.add(new String[] {target, rel.version().toString()});
                    }
                }
            }
        }
        Random random = new Random(20261126);
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            pairs.add(acrossSuites.get(random.nextInt(acrossSuites.size())));
            pairs.add(againstBounds.get(random.nextInt(againstBounds.size())));
        }
        List<String> dpkg = DpkgVersionOracle.compare(pairs);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            String ours = DpkgVersionOracle.ours(pairs.get(i)[0], pairs.get(i)[1]);
            if (!ours.equals(dpkg.get(i))) {
                mismatches.add(pairs.get(i)[0] + " vs " + pairs.get(i)[1] + ": dpkg " + dpkg.get(i) + ", ours " + ours);
            }
        }
        assertEquals(List.of(), mismatches);
        assertTrue(acrossSuites.size() > 20_000 && againstBounds.size() > 50_000,
                acrossSuites.size() + " / " + againstBounds.size());
        // And every pair, without dpkg: the ordering is total and antisymmetric on real data.
        for (String[] p : acrossSuites) {
            Version a = Version.parse(p[0]);
            Version b = Version.parse(p[1]);
            assertEquals(Integer.signum(a.compareTo(b)), -Integer.signum(b.compareTo(a)));
        }
    }
}
