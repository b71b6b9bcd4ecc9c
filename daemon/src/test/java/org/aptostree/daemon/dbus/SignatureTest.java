package org.aptostree.daemon.dbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.aptostree.fixtures.ostree.GVariants;
import org.junit.jupiter.api.Test;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SignatureTest {
    @Test
    void splitsIntoCompleteTypes() {
        assertEquals(List.of("as", "a{sv}"), Signature.split("asa{sv}"));
        assertEquals(List.of("(sa{sv})", "s", "a{ss}", "u", "s"), Signature.split("(sa{sv})sa{ss}us"));
        assertEquals(List.of("aay", "a{sv}"), Signature.split("aaya{sv}"));
        assertEquals(List.of(), Signature.split(""));
        assertEquals(List.of(), Signature.split(null));
    }

    @Test
    void refusesWhatIsNotASignature() {
        assertThrows(IllegalArgumentException.class, () -> Signature.split("a"));
        assertThrows(IllegalArgumentException.class, () -> Signature.split("a{vs}"));
        assertThrows(IllegalArgumentException.class, () -> Signature.split("(s"));
        assertThrows(IllegalArgumentException.class, () -> Signature.split("()"));
        assertThrows(IllegalArgumentException.class, () -> Signature.split("z"));
        assertFalse(Signature.isSingleComplete("ss"));
        assertTrue(Signature.isSingleComplete("a{sa(ii)}"));
    }

    /** Cutting a concatenation of complete types gives them back. */
    @Property
    void splitUndoesConcatenation(@ForAll("types") List<String> types) {
        assertEquals(types, Signature.split(String.join("", types)));
    }

    @Provide
    Arbitrary<List<String>> types() {
        return GVariants.dbusTypeStrings().list().ofMaxSize(6);
    }
}
