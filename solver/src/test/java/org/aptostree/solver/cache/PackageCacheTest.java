package org.aptostree.solver.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import org.aptostree.deb.DebFormatException;
import org.aptostree.solver.PackageVersion;
import org.aptostree.solver.TrixieData;
import org.junit.jupiter.api.Test;

class PackageCacheTest {

    @Test
    void roundTripsTheTrixieIndexAndRefusesAnotherKey() throws IOException {
        List<PackageVersion> parsed = TrixieData.packages();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PackageCache.write(parsed, "key-1", out);
        long start = System.nanoTime();
        List<PackageVersion> read = PackageCache.read(new ByteArrayInputStream(out.toByteArray()), "key-1");
        long reading = System.nanoTime() - start;
        System.out.printf("trixie: cache read %d ms, cache size %d bytes%n", reading / 1_000_000, out.size());
        assertEquals(parsed, read);
        assertThrows(DebFormatException.class,
                () -> PackageCache.read(new ByteArrayInputStream(out.toByteArray()), "key-2"));
        assertThrows(IOException.class, () -> PackageCache.read(new ByteArrayInputStream(new byte[] {1, 2, 3}), "key-1"));
    }
}
