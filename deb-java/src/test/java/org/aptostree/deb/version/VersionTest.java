package org.aptostree.deb.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.aptostree.deb.DebFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VersionTest {

    @Test
    void parsesComponents() throws Exception {
        assertEquals(new Version(0, "1.0", ""), Version.parse("1.0"));
        assertEquals(new Version(1, "2.3-4", "5"), Version.parse("1:2.3-4-5"));
        assertEquals(new Version(0, "2:3", ""), Version.parse("0:2:3"));
        assertEquals(new Version(0, "1.0", ""), Version.parse("  1.0\t"));
        assertEquals("1:2.3-4-5", Version.parse("1:2.3-4-5").toString());
        assertEquals("1.0", Version.parse("0:1.0").toString());
        // Found by fuzzing: a zero epoch must still be printed when the upstream version has a colon.
        assertEquals("0:1:2", Version.parse("00:1:2").toString());
        assertEquals(Version.parse("00:1:2"), Version.parse(Version.parse("00:1:2").toString()));
        assertEquals("0:a-b:c", Version.parse("0:a-b:c").toString());
        // strtol accepts a sign; dpkg therefore accepts +1 and -0 as epochs.
        assertEquals(1, Version.parse("+1:2").epoch());
        assertEquals(0, Version.parse("-0:2").epoch());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|version string is empty",
        "'   '|version string is empty",
        "'1 2'|version string has embedded spaces",
        "':1'|epoch in version is empty",
        "'a:1'|epoch in version is empty",
        "'1a:1'|epoch in version is not number",
        "'-1:1'|epoch in version is negative",
        "'2147483648:1'|epoch in version is too big",
        "'99999999999999999999:1'|epoch in version is too big",
        "'1:'|nothing after colon in version number",
        "'1.0-'|revision number is empty",
        "'-1'|version number is empty",
        "'1:-1'|version number is empty",
    })
    void rejectsAsDpkg(String text, String message) {
        DebFormatException e = assertThrows(DebFormatException.class, () -> Version.parse(text));
        assertEquals(message, e.reason());
    }

    @Test
    void warningsAreToleratedButReported() throws Exception {
        assertEquals(Optional.of("version number does not start with digit"), Version.parse("a1.0").syntaxWarning());
        assertEquals(Optional.of("invalid character in version number"), Version.parse("1.0_1").syntaxWarning());
        assertEquals(Optional.of("invalid character in revision number"), Version.parse("1.0-1_2").syntaxWarning());
        assertEquals(Optional.empty(), Version.parse("1:1.0+dfsg~rc1-2.1~bpo12+1").syntaxWarning());
        assertThrows(DebFormatException.class, () -> Version.parseStrict("a1.0"));
    }

    @Test
    void ordersAsDpkg() throws Exception {
        List<String> ascending = List.of("~~", "~~a", "~", "0", "0a", "0+", "1.0~rc1", "1.0", "1.0-0.1", "1.0-1",
                "1.0a", "1.0+", "1.0.1", "1.1", "1.10", "2", "10", "1:0", "1:0.1", "2:~");
        for (int i = 0; i < ascending.size(); i++) {
            for (int j = 0; j < ascending.size(); j++) {
                Version a = Version.parse(ascending.get(i));
                Version b = Version.parse(ascending.get(j));
                assertEquals(Integer.signum(Integer.compare(i, j)), Integer.signum(a.compareTo(b)),
                        ascending.get(i) + " vs " + ascending.get(j));
            }
        }
        assertTrue(Version.parse("1.0").sameAs(Version.parse("1.0-0")));
        assertTrue(Version.parse("1.00").sameAs(Version.parse("1.0")));
        assertTrue(Version.parse("0:1").sameAs(Version.parse("1")));
        assertEquals(0, Version.compareFragment("", "0"));
        assertTrue(Version.compareFragment("a\u00e9", "a\u00e8") > 0);
        assertTrue(Version.compareFragment("a\u00e9", "az") > 0);
        assertTrue(Version.compareFragment("a\u00e9", "a+") < 0);
    }
}
