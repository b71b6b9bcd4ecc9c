package org.aptostree.solver;

import java.util.Arrays;

import org.aptostree.testkit.RecordEquality;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The records whose equals and hashCode are written out compare as their generated ones would: each pair is a value
 * and a copy with at most one component changed.
 */
class ValueEqualityTest {

    @Property(tries = 400)
    void indexReleasesAreEqualExactlyWhenTheirAttributesAre(@ForAll("attributes") @Size(8) String[] attributes,
            @ForAll boolean notAutomatic, @ForAll boolean upgrades, @ForAll @IntRange(min = 0, max = 10) int changed,
            @ForAll("attribute") String other) {
        String[] b = Arrays.copyOf(attributes, attributes.length);
        if (changed < b.length) {
            b[changed] = other;
        }
        RecordEquality.check(release(attributes, notAutomatic, upgrades),
                release(b, notAutomatic != (changed == 8), upgrades != (changed == 9)));
    }

    @Property(tries = 200)
    void targetsAreEqualExactlyWhenTheirPartsAre(@ForAll("attribute") String architecture, @ForAll("attribute") String version,
            @ForAll @IntRange(min = 0, max = 3) int changed, @ForAll("attribute") String other) {
        Request.Target a = new Request.Target("less", architecture, version);
        Request.Target b = new Request.Target(changed == 0 ? "vim" : "less", changed == 1 ? other : architecture,
                changed == 2 ? other : version);
        RecordEquality.check(a, b);
    }

    private static IndexRelease release(String[] s, boolean notAutomatic, boolean upgrades) {
        return new IndexRelease(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], notAutomatic, upgrades);
    }

    @Provide
    Arbitrary<String> attribute() {
        return Arbitraries.of("a", "b").injectNull(0.3);
    }

    @Provide
    Arbitrary<String[]> attributes() {
        return attribute().array(String[].class);
    }
}
