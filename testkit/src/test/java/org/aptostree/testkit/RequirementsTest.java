package org.aptostree.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class RequirementsTest {

    @Test
    void aToolIsFoundOnThePath() {
        Path sh = Requirements.tool("sh");
        assertTrue(Files.isExecutable(sh), sh.toString());
        assertEquals("sh", sh.getFileName().toString());
    }

    @Test
    void whatIsMissingSkipsTheTestOrFailsItUnderCi() {
        TestAbortedException skipped = assertThrows(TestAbortedException.class,
                () -> Requirements.missing("the tool 'x'", false));
        assertEquals("skipped: this test needs the tool 'x'", skipped.getMessage());
        AssertionFailedError failed = assertThrows(AssertionFailedError.class, () -> Requirements.missing("root", true));
        assertEquals("CI=true, so not skipped: this test needs root", failed.getMessage());
        // And through the public entry points, as this run's CI setting says.
        Class<? extends Throwable> expected = Requirements.ci() ? AssertionFailedError.class : TestAbortedException.class;
        Throwable t = assertThrows(expected, () -> Requirements.tool("no-such-tool-aptostree"));
        assertTrue(t.getMessage().contains("'no-such-tool-aptostree'"), t.getMessage());
        assertThrows(expected, () -> Requirements.that(false, "a condition"));
        Requirements.that(true, "a condition");
    }

    @Test
    void dynamicTestsAreOnePerCaseOrOneThatReportsWhatIsMissing() throws Throwable {
        List<DynamicTest> tests = Requirements.dynamicTests(() -> List.of("a", "b"), c -> "case " + c, c -> { }).toList();
        assertEquals(List.of("case a", "case b"), tests.stream().map(DynamicTest::getDisplayName).toList());
        List<DynamicTest> missing = Requirements.dynamicTests(() -> Requirements.missing("data", false), c -> "x",
                c -> { }).toList();
        assertEquals(1, missing.size());
        TestAbortedException e = assertThrows(TestAbortedException.class, () -> missing.get(0).getExecutable().execute());
        assertEquals("skipped: this test needs data", e.getMessage());
    }
}
