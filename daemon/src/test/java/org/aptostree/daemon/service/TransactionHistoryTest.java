package org.aptostree.daemon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransactionHistoryTest {
    @TempDir
    Path dir;

    private static TransactionHistory.Entry entry(long n, String state) {
        return new TransactionHistory.Entry(n, "/org/aptostree/dev/Transaction/" + n, "install hello", state, 1000, 42, "apt-ostree install hello",
                "", 10, "", 1_700_000_000L, 0);
    }

    @Test
    void aTransactionRecordedAsStartedIsFoundUnfinishedByTheNextRun() {
        Path file = dir.resolve("daemon/transactions.json");
        TransactionHistory h = TransactionHistory.load(file);
        h.record(entry(1, "completed"));
        h.record(entry(2, "downloading"));
        TransactionHistory next = TransactionHistory.load(file);
        assertEquals(List.of(entry(2, "downloading")), next.unfinished());
        assertEquals(3, next.nextNumber());
        assertEquals(List.of(entry(1, "completed"), entry(2, "downloading")), next.entries());
    }

    @Test
    void keepsTheNewest() {
        TransactionHistory h = TransactionHistory.load(dir.resolve("t.json"));
        for (int i = 1; i <= TransactionHistory.KEPT + 5; i++) {
            h.record(entry(i, "completed"));
        }
        List<TransactionHistory.Entry> kept = TransactionHistory.load(dir.resolve("t.json")).entries();
        assertEquals(TransactionHistory.KEPT, kept.size());
        assertEquals(6, kept.get(0).number());
    }

    @Test
    void anUnreadableRecordIsSetAsideAndANewOneStarted() throws Exception {
        Path file = dir.resolve("t.json");
        Files.writeString(file, "{not json");
        TransactionHistory h = TransactionHistory.load(file);
        assertEquals(List.of(), h.entries());
        assertTrue(Files.exists(dir.resolve("t.json.bad")));
        h.record(entry(1, "queued"));
        assertEquals(1, TransactionHistory.load(file).entries().size());
    }
}
