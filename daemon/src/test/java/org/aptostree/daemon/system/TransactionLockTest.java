package org.aptostree.daemon.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransactionLockTest {
    @TempDir
    Path dir;

    @Test
    void theSecondAttemptLearnsWhoHoldsTheLockAndTheLockGoesWithItsHolder() throws Exception {
        Path file = dir.resolve("lib/apt-ostree/transaction.lock");
        TransactionLock.Attempt first = TransactionLock.tryAcquire(file, "install htop");
        try (TransactionLock held = first.lock().orElseThrow()) {
            TransactionLock.Attempt second = TransactionLock.tryAcquire(file, "upgrade");
            assertTrue(second.lock().isEmpty());
            assertEquals("install htop (pid " + ProcessHandle.current().pid() + ")", second.holder().orElseThrow().toString());
            assertEquals("install htop", TransactionLock.holder(file).orElseThrow().title());
        }
        assertTrue(TransactionLock.holder(file).isEmpty());
        try (TransactionLock again = TransactionLock.tryAcquire(file, "upgrade").lock().orElseThrow()) {
            assertEquals("upgrade", TransactionLock.holder(file).orElseThrow().title());
        }
    }
}
