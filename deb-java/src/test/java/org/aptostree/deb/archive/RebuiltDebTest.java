package org.aptostree.deb.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.aptostree.deb.compression.Compression;
import org.aptostree.testkit.DebianData;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool's packages rebuilt with the other compressions dpkg accepts (control: none, gz, zst, xz;
 * data: none, gz, zst, bz2, lzma, xz), rotating over the packages, still list exactly as dpkg-deb -c.
 */
class RebuiltDebTest {
    private static final Compression[] CONTROL = {Compression.NONE, Compression.GZIP, Compression.ZSTD, Compression.XZ};
    private static final Compression[] DATA = {Compression.NONE, Compression.GZIP, Compression.ZSTD, Compression.BZIP2,
        Compression.LZMA, Compression.XZ};

    @TempDir
    Path tmp;

    private record Rebuild(Path original, Compression control, Compression data) {
    }

    static List<Rebuild> rebuilds() {
        List<Path> debs = DebianData.minbase();
        // Small packages for the slow Java bzip2/lzma encoders; every compression at least twice.
        List<Path> small = debs.stream().filter(p -> p.toFile().length() < 400_000).limit(24).toList();
        List<Rebuild> b = new ArrayList<>();
        for (int i = 0; i < small.size(); i++) {
            b.add(new Rebuild(small.get(i), CONTROL[i % CONTROL.length], DATA[i % DATA.length]));
        }
        return b;
    }

    @TestFactory
    Stream<DynamicTest> rebuiltPackageListsAsDpkgDeb() {
        return Requirements.dynamicTests(RebuiltDebTest::rebuilds,
                r -> r.original().getFileName() + " " + r.control() + "/" + r.data(),
                r -> rebuiltPackageListsAsDpkgDeb(r.original(), r.control(), r.data()));
    }

    void rebuiltPackageListsAsDpkgDeb(Path original, Compression control, Compression data) throws Exception {
        Requirements.tool("dpkg-deb");
        Map<String, byte[]> raw = TestDebs.rawMembers(original);
        byte[] deb = TestDebs.deb(raw.get("control.tar"), control, raw.get("data.tar"), data);
        Path rebuilt = tmp.resolve(original.getFileName());
        Files.write(rebuilt, deb);
        assertEquals(RealDebTest.run("dpkg-deb", "-c", rebuilt.toString()), RealDebTest.ourContents(rebuilt));
        assertEquals(String.join("\n", RealDebTest.run("dpkg-deb", "-f", rebuilt.toString())) + "\n",
                RealDebTest.ourControl(rebuilt));
    }
}
