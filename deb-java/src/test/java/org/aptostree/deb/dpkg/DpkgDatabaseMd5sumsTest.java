package org.aptostree.deb.dpkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dpkg's md5sums info file: generated for a package that ships none, otherwise the package's own. */
class DpkgDatabaseMd5sumsTest {
    @TempDir
    Path tmp;

    private Path build(String name, String shippedSums) throws Exception {
        Requirements.tool("dpkg-deb");
        Path dir = tmp.resolve("src-" + name);
        Files.createDirectories(dir.resolve("DEBIAN"));
        Files.createDirectories(dir.resolve("usr/share/" + name));
        Files.writeString(dir.resolve("usr/share/" + name + "/hello"), "hello\n");
        Files.writeString(dir.resolve("usr/share/" + name + "/empty"), "");
        Files.writeString(dir.resolve("DEBIAN/control"), "Package: " + name + "\nVersion: 1\nArchitecture: all\n"
                + "Maintainer: Test <test@example.org>\nDescription: test\n");
        if (shippedSums != null) {
            Files.writeString(dir.resolve("DEBIAN/md5sums"), shippedSums);
        }
        Path deb = tmp.resolve(name + ".deb");
        String out = DpkgDatabaseTest.run(tmp, "dpkg-deb", "--root-owner-group", "--build", dir.toString(), deb.toString());
        assertTrue(out.startsWith("0\n"), out);
        return deb;
    }

    @Test
    void generatedForAPackageWithoutThem() throws Exception {
        Path root = tmp.resolve("root");
        DpkgDatabase db = DpkgDatabase.create(root, true);
        db.unpack(build("nosums", null));
        assertEquals("b1946ac92492d2347c6235b4d2611184  usr/share/nosums/hello\n"
                        + "d41d8cd98f00b204e9800998ecf8427e  usr/share/nosums/empty\n",
                sorted(Files.readString(root.resolve("var/lib/dpkg/info/nosums.md5sums"))));
    }

    @Test
    void aPackagesOwnAreKeptAsShipped() throws Exception {
        Path root = tmp.resolve("root");
        DpkgDatabase db = DpkgDatabase.create(root, true);
        String shipped = "b1946ac92492d2347c6235b4d2611184  usr/share/sums/hello\n";
        db.unpack(build("sums", shipped));
        assertEquals(shipped, Files.readString(root.resolve("var/lib/dpkg/info/sums.md5sums")));
    }

    private static String sorted(String lines) {
        return String.join("\n", lines.lines().sorted().toList()) + "\n";
    }
}
