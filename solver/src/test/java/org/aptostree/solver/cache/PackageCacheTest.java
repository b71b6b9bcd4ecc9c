package org.aptostree.solver.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.index.PackageIndex;
import org.aptostree.solver.PackageVersion;
import org.junit.jupiter.api.Test;

class PackageCacheTest {

    @Test
    void roundTripsTheTrixieIndexAndRefusesAnotherKey() throws IOException {
        String shared = System.getProperty("aptostree.shared");
        assumeTrue(shared != null, "aptostree.shared not set");
        Path packages = Path.of(shared, "data/debian-mirror/dists/trixie/main/binary-amd64/Packages.xz");
        assumeTrue(Files.isRegularFile(packages), "no trixie index");
        List<PackageVersion> parsed = new ArrayList<>();
        long start = System.nanoTime();
        PackageIndex.read(packages, r -> parsed.add(PackageVersion.from(r)));
        long parsing = System.nanoTime() - start;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PackageCache.write(parsed, "key-1", out);
        start = System.nanoTime();
        List<PackageVersion> read = PackageCache.read(new ByteArrayInputStream(out.toByteArray()), "key-1");
        long reading = System.nanoTime() - start;
        System.out.printf("trixie: parse %d ms, cache read %d ms, cache size %d bytes%n",
                parsing / 1_000_000, reading / 1_000_000, out.size());
        assertEquals(parsed, read);
        assertThrows(DebFormatException.class,
                () -> PackageCache.read(new ByteArrayInputStream(out.toByteArray()), "key-2"));
        assertThrows(IOException.class, () -> PackageCache.read(new ByteArrayInputStream(new byte[] {1, 2, 3}), "key-1"));
    }
}
