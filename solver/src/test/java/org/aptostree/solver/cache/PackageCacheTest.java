package org.aptostree.solver.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.control.Relation;
import org.aptostree.solver.PackageVersion;
import org.aptostree.solver.Stanzas;
import org.aptostree.solver.TrixieData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageCacheTest {
    private static final PackageCache.Origin ORIGIN = new PackageCache.Origin("sha256:0123", "size=1 mtime=2");

    /** Every row, and every lookup by name and by provided name, answers as the parsed index does. */
    @Test
    void theTrixieIndexReadsBackRowByRowAndByName() throws IOException {
        List<PackageVersion> parsed = TrixieData.packages();
        ByteBuffer bytes = PackageCache.encode(parsed, ORIGIN);
        long start = System.nanoTime();
        PackageCache cache = PackageCache.read(bytes);
        System.out.printf("trixie: cache of %d bytes opened in %d ms%n", bytes.remaining(),
                (System.nanoTime() - start) / 1_000_000);
        assertEquals(ORIGIN, cache.origin());
        List<PackageVersion> rows = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (PackageVersion p : parsed) {
            if (seen.add(p.name() + " " + p.architecture() + " " + p.version().epoch() + ":" + p.version().upstream()
                    + "-" + p.version().revision())) {
                rows.add(p);
            }
        }
        assertEquals(rows.size(), cache.size());
        Map<String, List<Integer>> named = new LinkedHashMap<>();
        Map<String, Set<Integer>> providing = new LinkedHashMap<>();
        Set<String> architectures = new LinkedHashSet<>();
        for (int row = 0; row < rows.size(); row++) {
            PackageVersion p = rows.get(row);
            assertEquals(p, cache.get(row));
            assertSame(cache.get(row), cache.get(row));
            assertEquals(p.name(), cache.name(row));
            assertEquals(p.architecture(), cache.architecture(row));
            assertEquals(p.version(), cache.version(row));
            assertEquals(p.multiArch(), cache.multiArch(row));
            named.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(row);
            for (Relation r : p.provides()) {
                providing.computeIfAbsent(r.name(), k -> new LinkedHashSet<>()).add(row);
            }
            architectures.add(p.architecture());
        }
        for (Map.Entry<String, List<Integer>> e : named.entrySet()) {
            assertArrayEquals(ints(e.getValue()), cache.rowsNamed(e.getKey()), e.getKey());
        }
        for (Map.Entry<String, Set<Integer>> e : providing.entrySet()) {
            assertArrayEquals(ints(e.getValue()), cache.rowsProviding(e.getKey()), e.getKey());
            if (!named.containsKey(e.getKey())) {
                assertArrayEquals(new int[0], cache.rowsNamed(e.getKey()));
            }
        }
        assertArrayEquals(new int[0], cache.rowsNamed("no-such-package"));
        assertArrayEquals(new int[0], cache.rowsProviding("no-such-package"));
        assertEquals(architectures, cache.architectures());
    }

    private static int[] ints(java.util.Collection<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void ofPackagesWithTheSameNameArchitectureAndVersionTheFirstIsKept() throws IOException {
        PackageCache cache = PackageCache.read(PackageCache.encode(Stanzas.parse("""
                Package: a
                Version: 1
                Architecture: amd64
                Depends: b

                Package: a
                Version: 1
                Architecture: i386

                Package: a
                Version: 1
                Architecture: amd64
                Depends: c

                Package: a
                Version: 1.0
                Architecture: amd64
                """), ORIGIN));
        assertEquals(3, cache.size());
        assertEquals("b", cache.get(0).depends().get(0).first().name());
        assertArrayEquals(new int[] {0, 1, 2}, cache.rowsNamed("a"));
        assertEquals("1.0", cache.version(2).toString());
    }

    @Test
    void anotherOriginKeepsTheTables() throws IOException {
        PackageCache cache = PackageCache.read(PackageCache.encode(Stanzas.parse("""
                Package: a
                Version: 1
                Architecture: amd64
                Provides: v
                """), ORIGIN));
        PackageCache.Origin other = new PackageCache.Origin("sha256:4567", "size=3");
        PackageCache moved = PackageCache.read(cache.withOrigin(other));
        assertEquals(other, moved.origin());
        assertEquals(cache.get(0), moved.get(0));
        assertArrayEquals(new int[] {0}, moved.rowsProviding("v"));
    }

    @Test
    void aMappedFileReads(@TempDir Path dir) throws IOException {
        ByteBuffer bytes = PackageCache.encode(Stanzas.parse("""
                Package: a
                Version: 1
                Architecture: all
                """), ORIGIN);
        Path file = dir.resolve("cache.bin");
        try (FileChannel out = FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            out.write(bytes.duplicate());
        }
        try (FileChannel in = FileChannel.open(file)) {
            PackageCache cache = PackageCache.read(in.map(FileChannel.MapMode.READ_ONLY, 0, in.size()));
            assertEquals("a", cache.name(0));
            assertEquals(Set.of("all"), cache.architectures());
        }
        assertTrue(Files.size(file) > PackageCache.HEADER);
    }

    @Test
    void otherFormatsAndOtherBytesAreRefused() {
        ByteBuffer bytes = PackageCache.encode(List.of(), ORIGIN);
        ByteBuffer older = ByteBuffer.allocate(bytes.remaining()).put(bytes.duplicate()).flip();
        older.order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(4, 1);
        PackageCache.seal(older);
        DebFormatException e = assertThrows(DebFormatException.class, () -> PackageCache.read(older));
        assertTrue(e.getMessage().contains("format 1"), e.getMessage());
        assertThrows(DebFormatException.class, () -> PackageCache.read(ByteBuffer.wrap(new byte[] {1, 2, 3})));
        assertThrows(DebFormatException.class, () -> PackageCache.read(ByteBuffer.allocate(0)));
        assertThrows(DebFormatException.class, () -> PackageCache.read(ByteBuffer.allocate(4096)));
    }
}
