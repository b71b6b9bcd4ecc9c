package org.aptostree.deb.version;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.aptostree.testkit.Requirements;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Version parsing and ordering agree with the real {@code dpkg --compare-versions}. Each try sends a
 * batch of pairs to dpkg; the total is {@code -Daptostree.versionPairs} (default 2,000; the full
 * acceptance run uses 100,000, which takes a few minutes because dpkg runs once or twice per pair).
 */
class VersionDpkgPropertyTest {
    private static final int TRIES = 4;
    private static final int BATCH = Math.max(1, Integer.getInteger("aptostree.versionPairs", 2000) / TRIES);

    @BeforeProperty
    void needDpkg() {
        Requirements.tool("dpkg");
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void agreesWithDpkg(@ForAll("pairs") List<String[]> pairs) throws Exception {
        List<String> dpkg = DpkgVersionOracle.compare(pairs);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            String ours = DpkgVersionOracle.ours(pairs.get(i)[0], pairs.get(i)[1]);
            if (!ours.equals(dpkg.get(i))) {
                mismatches.add("'" + pairs.get(i)[0] + "' vs '" + pairs.get(i)[1] + "': dpkg " + dpkg.get(i) + ", ours " + ours);
            }
        }
        assertEquals(List.of(), mismatches.subList(0, Math.min(20, mismatches.size())));
    }

    @Provide
    Arbitrary<List<String[]>> pairs() {
        Arbitrary<String> v = versions();
        // Half the pairs share a prefix so that comparisons go deep instead of stopping at the first char.
        Arbitrary<String[]> independent = Combinators.combine(v, v).as((a, b) -> new String[] {a, b});
        Arbitrary<String[]> related = Combinators.combine(v, fragment(), fragment())
                .as((a, x, y) -> new String[] {a + x, a + y});
        return Arbitraries.oneOf(independent, related).list().ofSize(BATCH);
    }

    /** Mostly well-formed versions, some with dpkg-warning characters and some with dpkg errors. */
    static Arbitrary<String> versions() {
        Arbitrary<String> epoch = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.just("")),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, 20).map(i -> i + ":")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("00:", "1a:", ":", "-1:", "+2:", "2147483648:", "a:")));
        Arbitrary<String> upstream = Combinators.combine(
                Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, Arbitraries.strings().withCharRange('0', '9').ofMinLength(1).ofMaxLength(3)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.of("a", "~", "+", "."))),
                fragment()).as(String::concat);
        Arbitrary<String> revision = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Arbitraries.just("")),
                net.jqwik.api.Tuple.of(4, fragment().map(f -> "-" + f)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("-", "-1-2", "-a:b", "--")));
        return Combinators.combine(epoch, upstream, revision).as((e, u, r) -> e + u + r);
    }

    static Arbitrary<String> fragment() {
        return Arbitraries.strings().withChars("0123456789.~+abzAZ-:0019~~..").ofMinLength(0).ofMaxLength(8)
                .injectDuplicates(0.1)
                .edgeCases(c -> c.add("~").add("~~").add("0").add(".0").add("a~"));
    }
}
