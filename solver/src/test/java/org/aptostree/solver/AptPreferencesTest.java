package org.aptostree.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class AptPreferencesTest {

    @Test
    void readsTheRecordFormsOfTheManualPage() throws Exception {
        AptPreferences prefs = AptPreferences.parse("""
                # comment before a record
                Explanation: Uninstall or do not install any Debian-originated
                Explanation: package versions other than those in the stable distro
                Package: *
                Pin: release a=stable, n=trixie, v=13*, c=main, o=Debian, l=Debian, b=amd64
                Pin-Priority: 900

                Package: perl libc6:i386 /^gnome-/ lib*-dev
                Pin: version 5.40*
                Pin-Priority: 1001

                Package: *
                Pin: origin "deb.debian.org"
                Pin-Priority: never

                Package: *
                Pin: origin ""
                Pin-Priority: -10
                """, "prefs");
        List<PreferencePin> pins = prefs.pins();
        assertEquals(7, pins.size());
        PreferencePin general = pins.get(0);
        assertTrue(general.isGeneral());
        assertEquals(900, general.priority());
        PreferencePin.ReleaseSelector release = assertInstanceOf(PreferencePin.ReleaseSelector.class, general.selector());
        assertEquals(Map.of("a", "stable", "n", "trixie", "v", "13*", "c", "main", "o", "Debian", "l", "Debian",
                "b", "amd64"), release.attributes());
        assertEquals("prefs:4", general.source());
        assertEquals("perl", pins.get(1).packageName());
        assertNull(pins.get(1).architecture());
        assertEquals("libc6", pins.get(2).packageName());
        assertEquals("i386", pins.get(2).architecture());
        assertTrue(pins.get(3).namePattern().matches("gnome-shell"));
        assertTrue(pins.get(4).namePattern().matches("libssl-dev"));
        assertEquals(PreferencePin.NEVER, pins.get(5).priority());
        assertEquals("deb.debian.org", ((PreferencePin.OriginSelector) pins.get(5).selector()).site());
        assertEquals("", ((PreferencePin.OriginSelector) pins.get(6).selector()).site());
        assertEquals(List.of(), prefs.warnings());
    }

    @Test
    void errorsNameTheFileAndTheLine() {
        assertEquals("p:5: source package pins (src:apt) are not supported; name the binary packages",
                message("Package: *\nPin: release a=stable\nPin-Priority: 1\n\nPackage: src:apt\nPin: version 2*\nPin-Priority: 990\n"));
        assertEquals("p:3: 'Pin-Priority: never' can only be used in 'Package: *' records",
                message("Package: apt\nPin: version 2*\nPin-Priority: never\n"));
        assertEquals("p:4: Pin-Priority 0 is not allowed (its meaning is undefined)",
                message("Package: apt\nPin: version 2*\n# a comment\nPin-Priority: 0\n"));
        assertEquals("p:3: Pin-Priority 'high' is not an integer",
                message("Package: apt\nPin: version 2*\nPin-Priority: high\n"));
        assertEquals("p:1: Pin-Priority 40000 is outside -32767 to 32767",
                message("Pin-Priority: 40000\nPackage: apt\nPin: version 2*\n"));
        assertEquals("p:2: record without a Package field", message("\nPin: version 2*\nPin-Priority: 5\n"));
        assertEquals("p:2: no Pin-Priority for the pin", message("\nPackage: apt\nPin: version 2*\n"));
        assertTrue(message("Package: apt\nPackage: dpkg\nPin: version 1\nPin-Priority: 5\n").startsWith("p:2: duplicate"));
        assertTrue(message("Package: /[/\nPin: version 1\nPin-Priority: 5\n").startsWith("p:1: invalid regular expression"));
    }

    @Test
    void unknownPinTypesAreSkippedWithAWarningAsAptDoes() throws Exception {
        AptPreferences prefs = AptPreferences.parse("""
                Package: *
                Pin: version 1.0
                Pin-Priority: 600

                Package: apt
                Pin: label Debian
                Pin-Priority: 600

                Package: apt
                Pin-Priority: 600
                """, "p");
        assertEquals(List.of(), prefs.pins());
        assertEquals(List.of("p:2: pin type 'version' not understood in a 'Package: *' record, record ignored",
                "p:6: pin type 'label' not understood, record ignored", "p:9: record without a Pin field ignored"),
                prefs.warnings());
    }

    @Test
    void releaseSelectorsMatchAsAptsVersionMatch() {
        IndexRelease trixie = new IndexRelease("stable", "trixie", "13.8", "main", "Debian", "Debian", "amd64",
                "deb.debian.org", false, false);
        assertTrue(PreferencePin.ReleaseSelector.parse("a=stable").matches(trixie));
        assertTrue(PreferencePin.ReleaseSelector.parse("n=TRIXIE,c=main").matches(trixie)); // fnmatch with FNM_CASEFOLD
        assertTrue(PreferencePin.ReleaseSelector.parse("v=13*").matches(trixie));
        assertTrue(PreferencePin.ReleaseSelector.parse("v=13.8").matches(trixie));
        assertTrue(!PreferencePin.ReleaseSelector.parse("v=13").matches(trixie));
        assertTrue(PreferencePin.ReleaseSelector.parse("13*").matches(trixie)); // a bare number is the version
        assertTrue(PreferencePin.ReleaseSelector.parse("trixie").matches(trixie)); // a bare word: archive or codename
        assertTrue(PreferencePin.ReleaseSelector.parse("o=/^deb/").matches(trixie));
        assertTrue(PreferencePin.ReleaseSelector.parse("*").matches(IndexRelease.UNKNOWN));
        assertTrue(!PreferencePin.ReleaseSelector.parse("o=Debian").matches(IndexRelease.UNKNOWN));
        assertTrue(!PreferencePin.ReleaseSelector.parse("a=stable, b=i386").matches(trixie));
        assertTrue(PreferencePin.ReleaseSelector.parse("a=now").matches(IndexRelease.STATUS));
        assertTrue(PreferencePin.OriginSelector.parse("\"deb.debian.org\"").matches(trixie));
        assertTrue(PreferencePin.OriginSelector.parse("\"*.debian.org\"").matches(trixie));
        assertTrue(!PreferencePin.OriginSelector.parse("\"\"").matches(trixie));
        assertTrue(PreferencePin.OriginSelector.parse("\"\"").matches(trixie.with("site", "")));
        assertTrue(!PreferencePin.OriginSelector.parse("\"\"").matches(IndexRelease.STATUS));
    }

    private static String message(String text) {
        return assertThrows(PreferencesException.class, () -> AptPreferences.parse(text, "p")).getMessage();
    }
}
