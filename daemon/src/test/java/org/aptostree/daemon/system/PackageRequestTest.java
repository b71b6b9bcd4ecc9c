package org.aptostree.daemon.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.aptostree.daemon.transaction.TransactionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PackageRequestTest {
    @ParameterizedTest
    @ValueSource(strings = {"htop", "libc6:amd64", "vim=2:9.0.1378-2", "g++-12:i386=12.2.0-14", "x.y+z"})
    void debianNamesParseAndPrintBack(String text) throws Exception {
        assertEquals(text, PackageRequest.parse(text).toString());
    }

    @Test
    void theParts() throws Exception {
        PackageRequest r = PackageRequest.parse("libc6:i386=2.36-9");
        assertEquals("libc6", r.name());
        assertEquals(Optional.of("i386"), r.architecture());
        assertEquals(Optional.of("2.36-9"), r.version());
        assertEquals("libc6", PackageRequest.nameOf("libc6:i386=2.36-9"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "H", "Upper", "a", "-dash", "name with space", "x=", "x:", "x:=1", "a;b", "../etc"})
    void malformedRequestsAreInvalidArguments(String text) {
        TransactionException e = assertThrows(TransactionException.class, () -> PackageRequest.parse(text));
        assertEquals(TransactionException.Kind.INVALID_ARGUMENT, e.kind());
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }
}
