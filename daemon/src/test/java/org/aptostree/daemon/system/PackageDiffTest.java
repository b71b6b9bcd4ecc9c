package org.aptostree.daemon.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** db diff's three forms, as rpm-ostree's test-db.sh reads them; versions compared as dpkg does (1.10 after 1.9). */
class PackageDiffTest {
    private static CommitPackages of(String... nva) {
        List<CommitPackages.Entry> out = new java.util.ArrayList<>();
        for (String s : nva) {
            String[] f = s.split(" ");
            out.add(new CommitPackages.Entry(f[0], f[1], f[2]));
        }
        return new CommitPackages(out);
    }

    private final PackageDiff diff = PackageDiff.between("a", of("bar 1.9 amd64", "gone 1 all", "down 2:1 amd64"), "b",
            of("bar 1.10 amd64", "new 3 all", "down 1:9 amd64"));

    @Test
    void theChangesByKind() {
        assertEquals("new", diff.added().get(0).name());
        assertEquals("gone", diff.removed().get(0).name());
        assertEquals("bar", diff.upgraded().get(0).before().name());
        assertEquals("down", diff.downgraded().get(0).after().name());
    }

    @Test
    void diffFormatUsesPlusMinusBangEquals() {
        assertEquals("!bar-1.9.amd64\n=bar-1.10.amd64\n!down-2:1.amd64\n=down-1:9.amd64\n-gone-1.all\n+new-3.all\n", diff.diff());
    }

    @Test
    void blockFormatHasTheSections() {
        String block = diff.block();
        assertTrue(block.contains("Upgraded:\n  bar 1.9 -> 1.10\n") && block.contains("Downgraded:\n  down 2:1 -> 1:9\n")
                && block.contains("Removed:\n  gone-1\n") && block.contains("Added:\n  new-3\n"), block);
    }

    @Test
    void jsonTypeZeroIsAdded() {
        assertTrue(diff.json().contains("\"pkgdiff\" : [ [ \"new\", 0,"), diff.json());
    }
}
