package org.aptostree.cli.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.daemon.transaction.TransactionResult;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The client reads every result the daemon writes, as the daemon meant it. */
class DaemonOutcomeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Provide
    Arbitrary<String> text() {
        // Any UTF-16 text, quotes, backslashes, control characters and surrogate pairs included.
        return Arbitraries.strings().all().ofMaxLength(40);
    }

    @Property(tries = 300)
    void aResultReadsBackAsWritten(@ForAll boolean changed, @ForAll("lines") List<String> output, @ForAll("lines") List<String> added,
            @ForAll("maybe") Optional<String> deployment) {
        String json = new TransactionResult(changed, output, deployment, deployment.map(d -> "c".repeat(64)), added, List.of()).toJson();
        DaemonClient.Outcome o = DaemonClient.outcome(json);
        assertTrue(o.success());
        assertEquals(changed, o.changed());
        assertEquals(output, o.output());
    }

    @Property(tries = 300)
    void aFailureReadsBackAsWritten(@ForAll("text") String error, @ForAll("text") String message, @ForAll("text") String details)
            throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", error);
        m.put("message", message);
        m.put("details", details);
        DaemonClient.Outcome o = DaemonClient.outcome(JSON.writeValueAsString(m));
        assertFalse(o.success());
        assertEquals(error, o.error());
        assertEquals(message, o.message());
        assertEquals(details, o.details());
    }

    @Provide
    Arbitrary<List<String>> lines() {
        return text().list().ofMaxSize(6);
    }

    @Provide
    Arbitrary<Optional<String>> maybe() {
        return text().optional();
    }

    @Test
    void membersItDoesNotKnowAreSkippedWhateverTheyHold() {
        DaemonClient.Outcome o = DaemonClient.outcome(
                "{\"future\":{\"a\":[1,{\"b\":[]}]},\"changed\":true,\"added\":[[\"x\"]],\"output\":[\"one\",\"two\"],\"more\":null}");
        assertTrue(o.changed());
        assertEquals(List.of("one", "two"), o.output());
    }

    @Test
    void whatIsNotAJsonObjectIsAnError() {
        for (String bad : List.of("", "[]", "\"text\"", "{\"output\":[\"a\"", "{\"changed\":tru}")) {
            ExitCodeException e = assertThrows(ExitCodeException.class, () -> DaemonClient.outcome(bad), bad);
            assertTrue(e.getMessage().startsWith("apt-ostreed sent a result that is not JSON"), e.getMessage());
        }
    }
}
