package org.aptostree.ostree.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.aptostree.ostree.repo.RefDatabase;
import org.junit.jupiter.api.Test;

import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** ostree-ext's escaping of image references and digests into ref names, with the cases of its own tests. */
class RefEscapeTest {
    private static final String PREFIX = "testprefix/blah";

    /** The escaped form of {@code s}, without a prefix. */
    static String escaped(String s) {
        return RefEscape.escape("x", s).substring(2);
    }

    @Test
    void ostreeExtCases() {
        for (String v : List.of("foo", "foo/bar/baz-blah/foo")) {
            assertEquals(v, escaped(v));
        }
        assertEquals("localhost_3A_5000/foo_3A_latest", escaped("localhost:5000/foo:latest"));
        assertEquals("sha256_3A_" + "ab".repeat(32), escaped("sha256:" + "ab".repeat(32)));
        for (String v : List.of("localhost:5000/foo:latest", "fedora/x86_64/coreos", "/foo/bar/foo.oci-archive", "/foo/bar/foo.docker-archive",
                "docker://quay.io/exampleos/blah:latest", "oci-archive:/path/to/foo.ociarchive", "docker-archive:/path/to/foo.dockerarchive",
                "/", "blah/", "/foo/")) {
            String ref = RefEscape.escape(PREFIX, v);
            assertTrue(RefDatabase.isValidRef(ref), ref);
            assertEquals(v, RefEscape.unescape(ref.substring(PREFIX.length() + 1)));
        }
    }

    /**
     * Every string round-trips. The ref is valid unless a component starts with {@code -}, which ostree-ext passes
     * through as it is and ostree refuses there ({@code x/-} is refused by ostree 2022.7 too): the escaping is
     * ostree-ext's, so that refs it wrote are found, and no image reference starts a component with a dash.
     */
    @Property
    void roundTripsAndIsAValidRef(@ForAll String s) {
        Assume.that(!s.isEmpty() && s.indexOf('\0') < 0 && s.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF));
        String ref = RefEscape.escape(PREFIX, s);
        assertEquals(s, RefEscape.unescape(ref.substring(PREFIX.length() + 1)));
        boolean dashStartsAComponent = ref.substring(PREFIX.length() + 1).startsWith("-") || ref.contains("/-");
        assertEquals(!dashStartsAComponent, RefDatabase.isValidRef(ref), ref);
    }
}
