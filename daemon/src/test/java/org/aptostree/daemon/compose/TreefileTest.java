package org.aptostree.daemon.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TreefileTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private static final String MINIMAL = "ref: debian/trixie/x86_64/minbase\nsources: host\n";

    @Test
    void everyKeyIsRead() throws IOException {
        write("post.sh", "echo from-script\n");
        Path file = write("tree.yaml", """
                ref: debian/trixie/x86_64/base
                variant: important
                packages: [systemd, linux-image-amd64]
                exclude-packages: [exim4-base]
                recommends: true
                sources: |
                  Types: deb
                  URIs: http://deb.debian.org/debian
                  Suites: trixie
                  Components: main
                architecture: arm64
                add-commit-metadata:
                  vendor: example
                  build: 42
                  beta: false
                remove-files: [usr/share/doc]
                postprocess:
                  - echo inline
                postprocess-script: post.sh
                units: [systemd-networkd.service]
                releasever: "13"
                allow-unbootable: true
                """);
        Treefile t = Treefile.load(file);
        assertEquals("debian/trixie/x86_64/base", t.ref());
        assertEquals(Variant.IMPORTANT, t.variant());
        assertEquals(List.of("systemd", "linux-image-amd64"), t.packages());
        assertEquals(List.of("exim4-base"), t.excludePackages());
        assertTrue(t.recommends());
        assertTrue(t.sources().startsWith("Types: deb\nURIs: http://deb.debian.org/debian\n"), t.sources());
        assertEquals("arm64", t.architecture());
        assertEquals(Map.of("vendor", "example", "build", 42L, "beta", false), t.addCommitMetadata());
        assertEquals(List.of("usr/share/doc"), t.removeFiles());
        // The script file's text is appended after the inline scripts.
        assertEquals(List.of("echo inline", "echo from-script\n"), t.postprocess());
        assertEquals(List.of("systemd-networkd.service"), t.units());
        assertEquals("13", t.releasever());
        assertTrue(t.allowUnbootable());
        assertEquals(64, t.digest().length());
    }

    @Test
    void defaultsOfAMinimalTreefile() throws IOException {
        Treefile t = Treefile.load(write("tree.yaml", MINIMAL));
        assertEquals(Variant.MINBASE, t.variant());
        assertEquals(List.of(), t.packages());
        assertEquals(List.of(), t.excludePackages());
        assertEquals(false, t.recommends());
        assertEquals("host", t.sources());
        assertEquals(org.aptostree.deb.index.HostArchitecture.name(), t.architecture());
        assertEquals(Map.of(), t.addCommitMetadata());
        assertEquals(List.of(), t.postprocess());
        assertEquals(List.of(), t.units());
        assertNull(t.releasever());
        assertFalse(t.allowUnbootable());
    }

    @Test
    void jsonIsATreefileToo() throws IOException {
        Treefile t = Treefile.load(write("tree.json", """
                {"ref": "a/b", "sources": "host", "variant": "none", "packages": ["bash"]}
                """));
        assertEquals(Variant.NONE, t.variant());
        assertEquals(List.of("bash"), t.packages());
    }

    @Test
    void digestIgnoresKeyOrderButNotValues() throws IOException {
        String a = Treefile.load(write("a.yaml", "ref: r\nsources: host\npackages: [x]\n")).digest();
        String b = Treefile.load(write("b.yaml", "packages: [x]\nsources: host\nref: r\n")).digest();
        String c = Treefile.load(write("c.yaml", "ref: r\nsources: host\npackages: [y]\n")).digest();
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void includesMergeListsByConcatenationMapsByKeyAndScalarsByOverride() throws IOException {
        write("base.yaml", """
                ref: base/ref
                sources: host
                variant: essential
                packages: [base-a, base-b]
                recommends: true
                add-commit-metadata: {vendor: base, keep: 1}
                units: [a.service]
                """);
        Path top = write("top.yaml", """
                include: base.yaml
                ref: top/ref
                packages: [top-c]
                recommends: false
                add-commit-metadata: {vendor: top, extra: yes}
                """);
        Treefile t = Treefile.load(top);
        assertEquals("top/ref", t.ref());
        assertEquals(Variant.ESSENTIAL, t.variant());
        assertEquals(List.of("base-a", "base-b", "top-c"), t.packages());
        assertEquals(false, t.recommends());
        assertEquals(Map.of("vendor", "top", "keep", 1L, "extra", true), t.addCommitMetadata());
        assertEquals(List.of("a.service"), t.units());
    }

    @Test
    void includesAreMergedInOrderThenTheIncludingFile() throws IOException {
        write("one.yaml", "packages: [one]\nref: one\n");
        write("sub/two.yaml", "include: ../three.yaml\npackages: [two]\nref: two\n");
        write("three.yaml", "packages: [three]\nsources: host\n");
        Treefile t = Treefile.load(write("top.yaml", "include: [one.yaml, sub/two.yaml]\npackages: [top]\n"));
        // Include paths are relative to the including file (sub/two.yaml includes ../three.yaml).
        assertEquals(List.of("one", "three", "two", "top"), t.packages());
        assertEquals("two", t.ref());
    }

    @Test
    void theSameFileIncludedTwiceIsNotACycle() throws IOException {
        write("common.yaml", "packages: [common]\n");
        write("left.yaml", "include: common.yaml\n");
        write("right.yaml", "include: common.yaml\n");
        Treefile t = Treefile.load(write("top.yaml", MINIMAL + "include: [left.yaml, right.yaml]\n"));
        assertEquals(List.of("common", "common"), t.packages());
    }

    @Test
    void postprocessScriptOfAnIncludedFileIsRelativeToIt() throws IOException {
        write("lib/script.sh", "echo lib\n");
        write("lib/part.yaml", "postprocess-script: script.sh\n");
        Treefile t = Treefile.load(write("top.yaml", MINIMAL + "include: lib/part.yaml\npostprocess: [echo top]\n"));
        assertEquals(List.of("echo lib\n", "echo top"), t.postprocess());
    }

    @Test
    void includeCycleIsAnErrorNamingTheFile() throws IOException {
        write("a.yaml", "include: b.yaml\nref: a\nsources: host\n");
        Path b = write("b.yaml", "include: a.yaml\n");
        IOException e = assertThrows(Treefile.TreefileException.class, () -> Treefile.load(dir.resolve("a.yaml")));
        assertTrue(e.getMessage().contains("include cycle"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.resolve("a.yaml").toString()), e.getMessage());
        assertTrue(Files.exists(b));
    }

    @Test
    void includeOfAMissingFileIsAnErrorNamingIt() throws IOException {
        Path file = write("top.yaml", MINIMAL + "include: missing.yaml\n");
        IOException e = assertThrows(Treefile.TreefileException.class, () -> Treefile.load(file));
        assertTrue(e.getMessage().contains(dir.resolve("missing.yaml").toString()), e.getMessage());
    }

    @Test
    void selfIncludeIsACycle() throws IOException {
        Path file = write("self.yaml", MINIMAL + "include: self.yaml\n");
        IOException e = assertThrows(Treefile.TreefileException.class, () -> Treefile.load(file));
        assertTrue(e.getMessage().contains("include cycle"), e.getMessage());
    }

    @Test
    void missingIncludeIsAnIOExceptionNamingIt() throws IOException {
        Path file = write("top.yaml", MINIMAL + "include: nowhere.yaml\n");
        IOException e = assertThrows(IOException.class, () -> Treefile.load(file));
        assertTrue(e.getMessage().contains("nowhere.yaml"), e.getMessage());
    }

    @Test
    void unknownKeyIsAnErrorNamingFileAndKey() throws IOException {
        Path file = write("tree.yaml", MINIMAL + "pakages: [typo]\n");
        IOException e = assertThrows(Treefile.TreefileException.class, () -> Treefile.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("'pakages'"), e.getMessage());
    }

    @Test
    void unknownKeyInAnIncludedFileNamesTheIncludedFile() throws IOException {
        Path inc = write("inc.yaml", "bogus: 1\n");
        IOException e = assertThrows(Treefile.TreefileException.class,
                () -> Treefile.load(write("top.yaml", MINIMAL + "include: inc.yaml\n")));
        assertTrue(e.getMessage().contains(inc.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("'bogus'"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "packages          | 'packages: bash'",
        "packages          | 'packages: {a: b}'",
        "packages          | 'packages: [[nested]]'",
        "exclude-packages  | 'exclude-packages: x'",
        "remove-files      | 'remove-files: 1'",
        "postprocess       | 'postprocess: [{a: 1}]'",
        "units             | 'units: a.service'",
        "recommends        | 'recommends: yes-please'",
        "recommends        | 'recommends: [true]'",
        "allow-unbootable  | 'allow-unbootable: yes-please'",
        "add-commit-metadata | 'add-commit-metadata: [a]'",
        "add-commit-metadata.bad | 'add-commit-metadata: {bad: [1, 2]}'",
        "add-commit-metadata.f | 'add-commit-metadata: {f: 1.5}'",
        "variant           | 'variant: maximal'",
        "variant           | 'variant: [minbase]'",
        "architecture      | 'architecture: {a: b}'",
        "include           | 'include: {a: b}'",
        "postprocess-script | 'postprocess-script: [a]'",
    })
    void wrongTypeIsAnErrorNamingFileAndKey(String key, String line) throws IOException {
        Path file = write("tree.yaml", MINIMAL + line + "\n");
        IOException e = assertThrows(Treefile.TreefileException.class, () -> Treefile.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ref     | 'sources: host'",
        "ref     | 'ref: \"  \"\nsources: host'",
        "ref     | 'ref: [a]\nsources: host'",
        "sources | 'ref: r'",
        "sources | 'ref: r\nsources: {a: b}'",
    })
    void missingOrWrongRequiredKeyIsAnErrorNamingIt(String key, String text) throws IOException {
        Path file = write("tree.yaml", text.replace("\\n", "\n") + "\n");
        IOException e = assertThrows(Treefile.TreefileException.class, () -> Treefile.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'ref: [unclosed'",
        "'- a list\n- not a mapping'",
        "'just a scalar'",
        "''",
    })
    void notAMappingOrNotYamlIsAnErrorNamingTheFile(String text) throws IOException {
        Path file = write("tree.yaml", text.replace("\\n", "\n"));
        IOException e = assertThrows(Treefile.TreefileException.class, () -> Treefile.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void postprocessScriptBesideAScalarPostprocessIsATreefileError() throws IOException {
        write("post.sh", "true\n");
        Path file = write("tree.yaml", MINIMAL + "postprocess: echo\npostprocess-script: post.sh\n");
        IOException e = assertThrows(Treefile.TreefileException.class, () -> Treefile.load(file));
        assertTrue(e.getMessage().contains("'postprocess'"), e.getMessage());
    }

    @Test
    void missingPostprocessScriptNamesTreefileAndKey() throws IOException {
        Path file = write("tree.yaml", MINIMAL + "postprocess-script: absent.sh\n");
        IOException e = assertThrows(IOException.class, () -> Treefile.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("postprocess-script"), e.getMessage());
    }

    @Test
    void nullRefIsAnError() throws IOException {
        Path file = write("tree.yaml", "ref: ~\nsources: host\n");
        assertThrows(Treefile.TreefileException.class, () -> Treefile.load(file));
    }

    @Test
    void wrongTypeInAnIncludedFileNamesTheIncludedFile() throws IOException {
        Path inc = write("inc.yaml", "units: a.service\n");
        IOException e = assertThrows(Treefile.TreefileException.class,
                () -> Treefile.load(write("top.yaml", MINIMAL + "include: inc.yaml\n")));
        assertTrue(e.getMessage().contains(inc.toString()), e.getMessage());
    }

    @Test
    void includeListWithANonPathEntryIsAnError() throws IOException {
        Path file = write("tree.yaml", MINIMAL + "include: [{a: b}]\n");
        assertThrows(IOException.class, () -> Treefile.load(file));
    }
}
