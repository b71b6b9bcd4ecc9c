package org.aptostree.fuzz.solver;

import org.aptostree.solver.AptPreferences;
import org.aptostree.solver.PreferencesException;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer target for the solver's one parser, apt_preferences(5): any text either parses or is refused with a
 * {@link PreferencesException} naming the file and line; anything else is a bug. Without JAZZER_FUZZ the stored
 * inputs are replayed.
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
}
