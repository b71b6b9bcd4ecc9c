package org.aptostree.deb.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.aptostree.deb.SharedData;
import org.aptostree.deb.compression.Compression;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

    static Stream<Arguments> rebuilds() throws Exception {
        List<Path> debs = RealDebTest.debs().toList();
        // Small packages for the slow Java bzip2/lzma encoders; every compression at least twice.
        List<Path> small = debs.stream().filter(p -> p.toFile().length() < 400_000).limit(24).toList();
        Stream.Builder<Arguments> b = Stream.builder();
        for (int i = 0; i < small.size(); i++) {
            b.add(Arguments.of(small.get(i), CONTROL[i % CONTROL.length], DATA[i % DATA.length]));
        }
        return b.build();
    }

    @ParameterizedTest
    @MethodSource("rebuilds")
    void rebuiltPackageListsAsDpkgDeb(Path original, Compression control, Compression data) throws Exception {
        SharedData.requireTool("dpkg-deb");
        Map<String, byte[]> raw = TestDebs.rawMembers(original);
        byte[] deb = TestDebs.deb(raw.get("control.tar"), control, raw.get("data.tar"), data);
        Path rebuilt = tmp.resolve(original.getFileName());
        Files.write(rebuilt, deb);
        assertEquals(RealDebTest.run("dpkg-deb", "-c", rebuilt.toString()), RealDebTest.ourContents(rebuilt));
        assertEquals(String.join("\n", RealDebTest.run("dpkg-deb", "-f", rebuilt.toString())) + "\n",
                RealDebTest.ourControl(rebuilt));
    }
}
