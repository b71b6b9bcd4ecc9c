package org.aptostree.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.lifecycle.PropertyExecutionResult;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** Around a jqwik property: a missing requirement makes the whole property skipped, or under CI failed. */
class RequirementsHookTest {

    @Test
    void aMissingRequirementMakesThePropertySkipped() {
        PropertyExecutionResult r = new RequirementsHook().aroundProperty(null, () -> Requirements.missing("x", false));
        assertEquals(PropertyExecutionResult.Status.ABORTED, r.status());
        TestAbortedException reason = assertInstanceOf(TestAbortedException.class, r.throwable().orElseThrow());
        assertEquals("skipped: this test needs x", reason.getMessage());
        assertFalse(RequirementsHook.inProperty(), "only while the property runs");
    }

    @Test
    void underCiItIsAFailure() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> new RequirementsHook().aroundProperty(null, () -> Requirements.missing("x", true)));
        assertEquals("CI=true, so not skipped: this test needs x", e.getMessage());
    }

    @Test
    void otherResultsPassThrough() {
        PropertyExecutionResult skipped = new RequirementsHook().aroundProperty(null, () -> Requirements.missing("x", false));
        assertSame(skipped, new RequirementsHook().aroundProperty(null, () -> skipped));
    }
}
