package org.aptostree.daemon.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.aptostree.daemon.compose.PackageSources.AvailablePackage;
import org.aptostree.deb.compression.Compression;
import org.aptostree.deb.index.PackageIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageSelectionTest {
    private static final URI MIRROR = URI.create("http://mirror.example/debian/");

    @TempDir
    Path dir;

    private Treefile treefile(String packages) throws IOException {
        return Treefile.load(Files.writeString(dir.resolve("tree.yaml"),
                "ref: test\nvariant: none\narchitecture: amd64\nsources: host\npackages: [" + packages + "]\n"));
    }

    private static List<AvailablePackage> index(String text) throws IOException {
        List<AvailablePackage> out = new ArrayList<>();
        PackageIndex.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), Compression.NONE,
                r -> out.add(new AvailablePackage(r, MIRROR)));
        return out;
    }

    private static String stanza(String name, String extra) {
        return "Package: " + name + "\nVersion: 1.0\nArchitecture: amd64\nFilename: pool/" + name + ".deb\nSize: 10\n"
                + "SHA256: " + "0".repeat(64) + "\n" + extra + "\n";
    }

    @Test
    void dependenciesAndProvidersAreFollowed() throws Exception {
        List<AvailablePackage> available = index(stanza("unrelated", "Depends: nothing-at-all\n")
                + stanza("mawk", "Provides: awk\n")
                + stanza("app", "Depends: awk, libc\n")
                + stanza("libc", ""));
        List<LockedPackage> chosen = PackageSelection.resolve(treefile("app"), available);
        assertEquals(List.of("app", "libc", "mawk"), chosen.stream().map(LockedPackage::name).toList());
        assertEquals(URI.create("http://mirror.example/debian/pool/app.deb"), chosen.get(0).uri());
    }

    @Test
    void aMalformedRelationOutsideTheRequestDoesNotMatter() throws Exception {
        List<AvailablePackage> available = index(stanza("broken", "Depends: a (>> 1\n") + stanza("app", ""));
        assertEquals(List.of("app"), PackageSelection.resolve(treefile("app"), available).stream().map(LockedPackage::name).toList());
    }

    @Test
    void aMalformedRelationTheRequestNeedsIsNamedWithItsPackageIndexAndLine() throws Exception {
        List<AvailablePackage> available = index(stanza("lib", "") + stanza("app", "Depends: lib (>> 1\n"));
        ComposeException e = assertThrows(ComposeException.class, () -> PackageSelection.resolve(treefile("app"), available));
        assertTrue(e.getMessage().startsWith("Packages index of " + MIRROR + ": app 1.0 amd64: "), e.getMessage());
        assertTrue(e.getMessage().contains("version unterminated (line 14)"), e.getMessage());
    }
}
