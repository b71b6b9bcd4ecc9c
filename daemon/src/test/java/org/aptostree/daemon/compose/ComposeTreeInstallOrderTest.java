package org.aptostree.daemon.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.aptostree.deb.control.Paragraph;
import org.junit.jupiter.api.Test;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class ComposeTreeInstallOrderTest {

    /** A stanza from alternating field names and values after the package name. */
    private static Paragraph stanza(String name, String... fields) {
        Paragraph.Builder b = Paragraph.builder().add("Package", name).add("Architecture", "amd64");
        for (int i = 0; i < fields.length; i += 2) {
            b.add(fields[i], fields[i + 1]);
        }
        return b.build();
    }

    private static List<String> order(List<Paragraph> stanzas) throws IOException {
        return MaintainerScripts.installOrder(stanzas).stream().map(p -> p.valueOrNull("Package")).toList();
    }

    @Test
    void dependenciesComeFirst() throws IOException {
        List<Paragraph> in = List.of(
                stanza("apt", "Depends", "libapt-pkg6.0 (>= 2.9), adduser"),
                stanza("adduser", "Pre-Depends", "passwd"),
                stanza("passwd", "Depends", "libc6"),
                stanza("libapt-pkg6.0", "Depends", "libc6:any (>= 2.38), zlib1g"),
                stanza("libc6"),
                stanza("zlib1g", "Pre-Depends", "libc6"));
        List<String> out = order(in);
        assertEquals(6, out.size());
        for (String[] edge : new String[][] {{"libapt-pkg6.0", "apt"}, {"adduser", "apt"}, {"passwd", "adduser"},
                {"libc6", "passwd"}, {"libc6", "libapt-pkg6.0"}, {"zlib1g", "libapt-pkg6.0"}, {"libc6", "zlib1g"}}) {
            assertTrue(out.indexOf(edge[0]) < out.indexOf(edge[1]), edge[0] + " before " + edge[1] + " in " + out);
        }
    }

    @Test
    void aVirtualPackageIsSatisfiedByItsProvider() throws IOException {
        List<String> out = order(List.of(
                stanza("aa-mailer", "Depends", "default-mta | mail-transport-agent"),
                stanza("exim4-daemon-light", "Provides", "mail-transport-agent, exim4-localscanapi-6.0 (= 6.0)"),
                stanza("bb-local-scan", "Depends", "exim4-localscanapi-6.0")));
        assertTrue(out.indexOf("exim4-daemon-light") < out.indexOf("aa-mailer"), out.toString());
        assertTrue(out.indexOf("exim4-daemon-light") < out.indexOf("bb-local-scan"), out.toString());
    }

    @Test
    void onlyTheFirstPresentAlternativeOrders() throws IOException {
        // a needs "b | c": b is present, so c is not pulled before a (c keeps its name-order place after a).
        assertEquals(List.of("b", "a", "c"), order(List.of(stanza("c"), stanza("b"), stanza("a", "Depends", "missing | b | c"))));
    }

    @Test
    void absentDependenciesAreIgnored() throws IOException {
        assertEquals(List.of("a", "b"), order(List.of(stanza("b", "Depends", "nowhere"), stanza("a", "Pre-Depends", "gone (>= 1)"))));
    }

    @Test
    void recommendsAndOtherFieldsDoNotOrder() throws IOException {
        assertEquals(List.of("a", "b"), order(List.of(stanza("b"), stanza("a", "Recommends", "b", "Suggests", "b", "Breaks", "b"))));
    }

    @Test
    void aCycleIsBrokenByNameOrder() throws IOException {
        // Visiting in name order: a needs b, b needs a (already being visited), so b is placed first.
        assertEquals(List.of("b", "a"), order(List.of(stanza("a", "Depends", "b"), stanza("b", "Depends", "a"))));
        assertEquals(List.of("b", "a"), order(List.of(stanza("b", "Depends", "a"), stanza("a", "Depends", "b"))));
        assertEquals(List.of("c", "b", "a"),
                order(List.of(stanza("c", "Pre-Depends", "a"), stanza("b", "Depends", "c"), stanza("a", "Depends", "b"))));
    }

    @Test
    void everyStanzaComesOutEvenWithTheSameNameOnTwoArchitectures() throws IOException {
        Paragraph amd64 = stanza("libc6", "Multi-Arch", "same");
        Paragraph i386 = Paragraph.builder().add("Package", "libc6").add("Architecture", "i386").add("Multi-Arch", "same").build();
        assertEquals(2, MaintainerScripts.installOrder(List.of(amd64, i386)).size());
    }

    /**
     * Random dependency graphs over shuffled input: the output is a permutation of the input, independent of the
     * input order, and when the graph has no cycle every dependency comes before its dependent.
     */
    @Property(tries = 300)
    void orderIsATopologicalSortIndependentOfInputOrder(@ForAll long seed, @ForAll @IntRange(min = 1, max = 25) int size,
            @ForAll boolean acyclic) throws IOException {
        Random random = new Random(seed);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            names.add("p" + Integer.toString(random.nextInt(1 << 20), 36) + "-" + i);
        }
        Map<String, List<String>> deps = new HashMap<>();
        List<Paragraph> stanzas = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            List<String> d = new ArrayList<>();
            for (int j = 0; j < size; j++) {
                // Acyclic graphs only point to lower indices (indices are unrelated to the names' order).
                if (j != i && (!acyclic || j < i) && random.nextInt(4) == 0) {
                    d.add(names.get(j));
                }
            }
            deps.put(names.get(i), d);
            stanzas.add(d.isEmpty() ? stanza(names.get(i))
                    : stanza(names.get(i), random.nextBoolean() ? "Depends" : "Pre-Depends", String.join(", ", d)));
        }
        List<String> out = order(stanzas);
        assertEquals(names.stream().sorted().toList(), out.stream().sorted().toList());
        List<Paragraph> shuffled = new ArrayList<>(stanzas);
        Collections.shuffle(shuffled, random);
        assertEquals(out, order(shuffled));
        if (acyclic) {
            for (Map.Entry<String, List<String>> e : deps.entrySet()) {
                for (String d : e.getValue()) {
                    assertTrue(out.indexOf(d) < out.indexOf(e.getKey()), d + " before " + e.getKey() + " in " + out);
                }
            }
        }
    }
}
