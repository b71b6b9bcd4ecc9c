package org.aptostree.deb.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.aptostree.deb.unpack.Extractor;
import org.aptostree.testkit.DebianData;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Extracting a pool package gives the same tree (types, modes, contents, link targets) as dpkg-deb -x. */
class ExtractTest {
    @TempDir
    Path tmp;

    /** Every third pool package keeps the run short; contents of all are checked by {@link RealDebTest}. */
    static List<Path> debs() {
        List<Path> all = DebianData.minbase();
        return java.util.stream.IntStream.range(0, all.size()).filter(i -> i % 3 == 0).mapToObj(all::get).toList();
    }

    @TestFactory
    Stream<DynamicTest> sameTreeAsDpkgDebX() {
        return RealDebTest.eachDeb(ExtractTest::debs, this::sameTreeAsDpkgDebX);
    }

    void sameTreeAsDpkgDebX(Path deb) throws Exception {
        Requirements.tool("dpkg-deb");
        // The dynamic tests of the factory share the temporary directory.
        Path theirs = Files.createDirectories(tmp.resolve(deb.getFileName() + "/dpkg"));
        Path ours = Files.createDirectories(tmp.resolve(deb.getFileName() + "/ours"));
        RealDebTest.run("dpkg-deb", "-x", deb.toString(), theirs.toString());
        try (InputStream in = Files.newInputStream(deb); DebReader r = DebReader.open(in)) {
            new Extractor(ours, Extractor.Options.defaults()).extractAll(r.data());
        }
        List<String> expected = describe(theirs);
        List<String> actual = describe(ours);
        List<String> missing = new ArrayList<>(expected);
        missing.removeAll(actual);
        List<String> extra = new ArrayList<>(actual);
        extra.removeAll(expected);
        assertEquals(List.of(), missing.subList(0, Math.min(5, missing.size())), "differs from dpkg-deb -x; ours has " + extra);
    }

    static List<String> describe(Path root) throws Exception {
        List<String> out = new ArrayList<>();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted().toList()) {
                String rel = root.relativize(p).toString();
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                long mtime = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis() / 1000;
                String what;
                if (Files.isSymbolicLink(p)) {
                    what = "l -> " + Files.readSymbolicLink(p);
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    // Directory times are not compared: GNU tar (behind dpkg-deb -x) creates symlinks after
                    // restoring their directory's time, leaving those directories with the current time.
                    what = "d " + Integer.toOctalString(mode & 07777);
                } else {
                    int nlink = (Integer) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
                    what = "f " + Integer.toOctalString(mode & 07777) + " " + mtime + " links=" + nlink + " "
                            + HexFormat.of().formatHex(sha.digest(Files.readAllBytes(p)));
                }
                out.add(rel + " " + what);
            }
        }
        return out;
    }
}
