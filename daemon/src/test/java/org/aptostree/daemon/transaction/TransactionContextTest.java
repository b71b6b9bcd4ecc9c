package org.aptostree.daemon.transaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class TransactionContextTest {
    @Property
    void thePercentageNeverGoesDownAndStaysWithinHundred(@ForAll @Size(max = 30) List<@IntRange(min = -50, max = 250) Integer> updates) {
        List<Integer> seen = new ArrayList<>();
        TransactionContext c = new TransactionContext((state, message, percentage) -> seen.add(percentage));
        updates.forEach(p -> c.update(TransactionState.UNPACKING, "x", p));
        for (int i = 1; i < seen.size(); i++) {
            assertEquals(true, seen.get(i) >= seen.get(i - 1) && seen.get(i) <= 100, seen.toString());
        }
    }

    @Test
    void aCancelTakesEffectAtTheNextCheckpoint() throws Exception {
        TransactionContext c = new TransactionContext(TransactionListener.NONE);
        c.checkpoint();
        c.cancel();
        TransactionException e = assertThrows(TransactionException.class, c::checkpoint);
        assertEquals(TransactionException.Kind.CANCELLED, e.kind());
    }
}
