package org.aptostree.fuzz.solver;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import org.aptostree.deb.DebFormatException;
import org.aptostree.solver.AptPreferences;
import org.aptostree.solver.PreferencesException;
import org.aptostree.solver.edsp.EdspScenario;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer targets for the solver's parsers: apt_preferences(5), where any text either parses or is refused with a
 * {@link PreferencesException} naming the file and line, and the EDSP scenario apt hands an external solver, which
 * is read or refused with deb-java's {@link DebFormatException} (it is deb822). Anything else is a bug. Without
 * JAZZER_FUZZ the stored inputs are replayed.
 */
class SolverParsersFuzzTest {

    @FuzzTest(maxDuration = "20s")
    @DictionaryEntries({"Package:", "Pin:", "Pin-Priority:", "Explanation:", "release ", "origin ", "version ", "a=", "n=",
        "v=", "c=", "o=", "l=", "b=", "src:", "never", "*", "/"})
    void preferences(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        try {
            AptPreferences parsed = AptPreferences.parse(text, "fuzz.pref");
            if (parsed == null) {
                throw new AssertionError("null result for parsable text");
            }
        } catch (PreferencesException expected) {
            if (!expected.getMessage().startsWith("fuzz.pref")) {
                throw new AssertionError("error does not name the file: " + expected.getMessage());
            }
        }
    }

    @FuzzTest(maxDuration = "20s")
    @DictionaryEntries({"Request: EDSP 0.5", "Architecture: amd64", "Architectures: i386", "Install: ", "Remove: ",
        "Upgrade-All: yes", "Strict-Pinning: no", "Package: ", "Version: ", "APT-ID: ", "APT-Pin: ", "APT-Candidate: yes",
        "Installed: yes", "Hold: yes", "APT-Automatic: yes", "Depends: ", "Conflicts: ", "Provides: ", "Multi-Arch: foreign",
        ":amd64", " | ", " (>= 1.0)", "Source: "})
    void edspScenario(FuzzedDataProvider data) {
        boolean recommends = data.consumeBoolean();
        byte[] bytes = data.consumeRemainingAsBytes();
        try {
            EdspScenario s = EdspScenario.read(new ByteArrayInputStream(bytes), recommends);
            if (s.universe() == null || s.request() == null) {
                throw new AssertionError("null part in a scenario that was read");
            }
        } catch (DebFormatException expected) {
            // refused as malformed
        } catch (IOException e) {
            throw new AssertionError("an in-memory scenario failed with an I/O error that is not a format error", e);
        }
    }
}
