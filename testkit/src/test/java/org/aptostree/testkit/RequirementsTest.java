package org.aptostree.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

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
}
