package org.aptostree.solver.cache;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import org.aptostree.deb.control.Deb822Reader;
import org.aptostree.deb.index.PackageRecord;
import org.aptostree.solver.PackageVersion;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** A damaged cache file is refused with an IOException, never another exception (it is a parser too). */
class PackageCacheCorruptionProperties {
    private static final byte[] VALID = validCache();

    private static byte[] validCache() {
        try {
            List<PackageVersion> packages = Deb822Reader.parseAll("""
                    Package: a
                    Version: 1:2.0-1
                    Architecture: amd64
                    Multi-Arch: same
                    Depends: b (>= 1) | c:any, d
                    Conflicts: e
                    Provides: v (= 3)

                    Package: b
                    Version: 1
                    Architecture: all
                    Essential: yes
                    Recommends: a
                    """).stream().map(p -> {
                try {
                    return PackageVersion.from(PackageRecord.from(p));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PackageCache.write(packages, "k", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Property(tries = 3000)
    void damagedBytesGiveIoExceptionOnly(@ForAll @IntRange(min = 0, max = 10_000) int position,
            @ForAll byte value, @ForAll @IntRange(min = 0, max = 400) int truncate) {
        byte[] bytes = VALID.clone();
        bytes[position % bytes.length] = value;
        int length = Math.max(0, bytes.length - truncate % (bytes.length + 1));
        try {
            PackageCache.read(new ByteArrayInputStream(bytes, 0, length), "k");
        } catch (IOException expected) {
            // refused, as it should be
        }
    }
}
