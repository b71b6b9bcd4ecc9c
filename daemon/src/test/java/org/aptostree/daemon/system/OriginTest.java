package org.aptostree.daemon.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.repo.KeyFile;
import org.junit.jupiter.api.Test;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.AlphaChars;

/** Origin files with rpm-ostree's keys: what it writes, what it reads back, and what it keeps that it does not know. */
class OriginTest {
    private static final String SHA = "a".repeat(64);

    @Property(tries = 300)
    void equalsAndHashCodeFollowTheComponents(@ForAll("origins") Origin a, @ForAll @IntRange(min = 0, max = 7) int changed) {
        // A copy with at most one component changed: equal pairs and pairs differing in one component both come up.
        Origin b = new Origin(changed == 0 ? java.util.Optional.of("o:c") : a.refspec(),
                changed == 1 ? java.util.Optional.of("registry:q/j") : a.containerImageReference(),
                changed == 2 ? new TreeSet<>(Set.of("nano")) : a.requested(),
                changed == 3 ? new TreeMap<>(java.util.Map.of("b".repeat(64), "h_1_all")) : a.requestedLocal(),
                changed == 4 ? new TreeSet<>(Set.of("nano")) : a.overrideRemove(),
                changed == 5 ? new TreeMap<>(java.util.Map.of("b".repeat(64), "h_1_all")) : a.overrideReplaceLocal(),
                changed == 6 ? "[z]\nw=2\n" : a.otherKeys());
        org.aptostree.testkit.RecordEquality.check(a, b);
    }

    @Provide
    Arbitrary<Origin> origins() {
        Arbitrary<java.util.Optional<String>> ref = Arbitraries.of("o:a", "o:b").optional(0.7);
        Arbitrary<java.util.Optional<String>> image = Arbitraries.of("ostree-unverified-registry:q/i").optional(0.2);
        Arbitrary<java.util.Set<String>> names = Arbitraries.of("htop", "vim").set().ofMaxSize(2);
        Arbitrary<java.util.Map<String, String>> locals = Arbitraries.maps(Arbitraries.of(SHA), Arbitraries.of("f_1_all", "g_1_all"))
                .ofMaxSize(1);
        return Combinators.combine(ref, image, names, locals, names, locals, Arbitraries.of("", "[x]\ny=1\n"))
                .as((r, i, req, loc, rm, rep, other) -> new Origin(r, i, new TreeSet<>(req), new TreeMap<>(loc), new TreeSet<>(rm),
                        new TreeMap<>(rep), other));
    }

    @Test
    void aLayeredOriginWritesBaserefspecAndTheLists() throws Exception {
        Origin o = Origin.of("origin:debian/trixie/x86_64").withRequested(new TreeSet<>(Set.of("htop", "vim")))
                .withRequestedLocal(new TreeMap<>(java.util.Map.of(SHA, "foo_1.0_amd64")));
        String text = o.toKeyFile().format();
        assertTrue(text.contains("[origin]\nbaserefspec=origin:debian/trixie/x86_64\n"), text);
        assertTrue(text.contains("requested=htop;vim;"), text);
        assertTrue(text.contains("requested-local=" + SHA + ":foo_1.0_amd64;"), text);
        assertFalse(text.contains("refspec=origin") && !text.contains("baserefspec"), text);
    }

    @Test
    void aPlainOriginWritesRefspecAsOstreeDoes() {
        assertEquals("[origin]\nrefspec=origin:debian/stable\n", Origin.of("origin:debian/stable").toKeyFile().format());
    }

    @Test
    void unknownGroupsAndKeysAreKept() throws Exception {
        KeyFile file = KeyFile.parse("[origin]\nrefspec=r\nunconfigured-state=x\n\n[libostree-transient]\npinned=true\n", "t");
        String out = Origin.parse(file, "t").withRequested(new TreeSet<>(Set.of("a"))).toKeyFile().format();
        assertTrue(out.contains("pinned=true") && out.contains("unconfigured-state=x") && out.contains("baserefspec=r"), out);
    }

    @Test
    void aMalformedLocalEntryIsNamed() throws Exception {
        KeyFile file = KeyFile.parse("[origin]\nrefspec=r\n\n[packages]\nrequested-local=notasha:foo;\n", "x.origin");
        OstreeFormatException e = assertThrows(OstreeFormatException.class, () -> Origin.parse(file, "x.origin"));
        assertTrue(e.getMessage().contains("x.origin") && e.getMessage().contains("notasha:foo"), e.getMessage());
    }

    @Property(tries = 200)
    void writtenOriginsReadBackEqual(@ForAll @Size(max = 4) Set<@AlphaChars @StringLength(min = 2, max = 8) String> requested,
            @ForAll @Size(max = 3) Set<@AlphaChars @StringLength(min = 2, max = 8) String> removed, @ForAll boolean local)
            throws Exception {
        SortedMap<String, String> locals = new TreeMap<>();
        if (local) {
            locals.put(SHA, "pkg_1.0_amd64");
        }
        Origin o = Origin.of("remote:ref/x").withRequested(new TreeSet<>(lower(requested))).withRequestedLocal(locals)
                .withOverrideRemove(new TreeSet<>(lower(removed)));
        KeyFile file = KeyFile.parse(o.toKeyFile().format(), "round");
        assertEquals(o, Origin.parse(file, "round"));
    }

    private static Set<String> lower(Set<String> s) {
        Set<String> out = new TreeSet<>();
        s.forEach(x -> out.add(x.toLowerCase(java.util.Locale.ROOT)));
        return out;
    }
}
