package org.aptostree.daemon.system;

import org.aptostree.testkit.RecordEquality;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A package list's entry compares as its generated record equality would: name, version and architecture. */
class CommitPackagesEntryTest {

    @Property(tries = 300)
    void entriesAreEqualExactlyWhenTheirComponentsAre(@ForAll("part") String nameA, @ForAll("part") String versionA,
            @ForAll("part") String archA, @ForAll("part") String nameB, @ForAll("part") String versionB, @ForAll("part") String archB) {
        RecordEquality.check(new CommitPackages.Entry(nameA, versionA, archA), new CommitPackages.Entry(nameB, versionB, archB));
    }

    /** Few values, so that equal pairs and pairs that differ in one component both come up. */
    @Provide
    Arbitrary<String> part() {
        return Arbitraries.of("", "a", "b");
    }
}
