package org.aptostree.solver.cache;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.List;

import org.aptostree.deb.DebFormatException;
import org.aptostree.solver.PackageVersion;
import org.aptostree.solver.Stanzas;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A cache is a parser's input too. Any changed byte or cut is detected (the checksum); and a cache whose numbers
 * were changed and then given a correct checksum, as a hostile file would be, is either refused or reads without
 * any failure later: opening checks every reference, so the lazy reads during a solve cannot fail.
 */
class PackageCacheCorruptionPropertiesTest {
    private static final List<PackageVersion> PACKAGES = Stanzas.parse("""
            Package: a
            Version: 1:2.0-1
            Architecture: amd64
            Multi-Arch: same
            Depends: b (>= 1) | c:any, d
            Pre-Depends: e (<< 3~)
            Conflicts: e
            Breaks: f (<= 1)
            Provides: v (= 3), w

            Package: b
            Version: 1
            Architecture: all
            Essential: yes
            Recommends: a
            Provides: v

            Package: a
            Version: 2
            Architecture: i386
            Protected: yes
            """);
    private static final byte[] VALID = bytes(PackageCache.encode(PACKAGES, new PackageCache.Origin("sha256:00", "s")));

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Property(tries = 3000)
    void anyChangedByteOrCutIsRefused(@ForAll @IntRange(min = 0, max = 100_000) int position,
            @ForAll @IntRange(min = 1, max = 255) int flip, @ForAll @IntRange(min = 0, max = 400) int truncate) {
        byte[] bytes = VALID.clone();
        bytes[position % bytes.length] ^= (byte) flip;
        assertThrows(DebFormatException.class, () -> PackageCache.read(ByteBuffer.wrap(bytes)));
        int length = Math.max(0, VALID.length - 1 - truncate % VALID.length);
        assertThrows(DebFormatException.class, () -> PackageCache.read(ByteBuffer.wrap(VALID, 0, length).slice()));
    }

    @Property(tries = 3000)
    void resealedDamageIsRefusedOrHarmless(@ForAll @IntRange(min = 0, max = 100_000) int position,
            @ForAll byte value, @ForAll @IntRange(min = 0, max = 3) int width) {
        byte[] bytes = VALID.clone();
        int at = PackageCache.HEADER + position % (bytes.length - PackageCache.HEADER);
        for (int i = at; i <= Math.min(bytes.length - 1, at + width); i++) {
            bytes[i] = value;
        }
        ByteBuffer damaged = ByteBuffer.wrap(bytes);
        PackageCache.seal(damaged);
        PackageCache cache;
        try {
            cache = PackageCache.read(damaged);
        } catch (DebFormatException refused) {
            return;
        }
        for (int row = 0; row < cache.size(); row++) {
            PackageVersion p = cache.get(row);
            cache.name(row);
            cache.architecture(row);
            cache.version(row);
            cache.multiArch(row);
            cache.rowsNamed(p.name());
            p.provides().forEach(r -> cache.rowsProviding(r.name()));
            p.depends().forEach(d -> d.alternatives().forEach(r -> cache.rowsNamed(r.name())));
        }
        for (String name : List.of("a", "b", "v", "w", "x", "")) {
            cache.rowsNamed(name);
            cache.rowsProviding(name);
        }
        cache.architectures();
        cache.origin();
    }
}
