package org.aptostree.ostree.sysroot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class EffectiveUserTest {
    /** {@code id -u} prints the effective uid of the process it runs in, which is ours. */
    @Test
    void agreesWithId() throws Exception {
        Process id = new ProcessBuilder("id", "-u").start();
        String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertEquals(0, id.waitFor());
        assertEquals("0".equals(uid), EffectiveUser.isRoot(), "id -u printed " + uid);
    }
}
