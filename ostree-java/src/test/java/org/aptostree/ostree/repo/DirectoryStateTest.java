package org.aptostree.ostree.repo;

import java.nio.file.attribute.FileTime;

import org.aptostree.testkit.RecordEquality;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/** A checked-out directory's state compares as its generated record equality would: inode and change time. */
class DirectoryStateTest {

    @Property(tries = 200)
    void statesAreEqualExactlyWhenInodeAndChangeTimeAre(@ForAll @LongRange(min = 1, max = 2) long inodeA,
            @ForAll @LongRange(min = 0, max = 1) long millisA, @ForAll @LongRange(min = 1, max = 2) long inodeB,
            @ForAll @LongRange(min = 0, max = 1) long millisB) {
        RecordEquality.check(new CheckoutIndex.DirectoryState(inodeA, FileTime.fromMillis(millisA)),
                new CheckoutIndex.DirectoryState(inodeB, FileTime.fromMillis(millisB)));
    }
}
