package org.aptostree.daemon.dbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

class InterfaceDefinitionTest {
    private static Map<String, InterfaceDefinition> shipped() throws IOException {
        try (InputStream in = InterfaceDefinitionTest.class.getResourceAsStream("/org/aptostree/daemon/dbus/org.aptostree.dev.xml")) {
            return InterfaceDefinition.parse(in, "org.aptostree.dev.xml");
        }
    }

    private static Map<String, InterfaceDefinition> parse(String xml) throws IOException {
        return InterfaceDefinition.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "test");
    }

    @Test
    void theShippedFileHasTheFourInterfaces() throws IOException {
        Map<String, InterfaceDefinition> defs = shipped();
        assertEquals(java.util.List.of("org.aptostree.dev.Daemon", "org.aptostree.dev.Sysroot", "org.aptostree.dev.OS",
                "org.aptostree.dev.Transaction"), java.util.List.copyOf(defs.keySet()));
        InterfaceDefinition.Member install = defs.get("org.aptostree.dev.OS").method("install_packages").orElseThrow();
        assertEquals("asa{sv}", install.inSignature());
        assertEquals("s", install.outSignature());
        assertEquals("transaction_address", install.out().get(0).name());
    }

    /** What introspection serves reads back as what the file says. */
    @Test
    void writtenXmlReadsBackTheSame() throws IOException {
        for (InterfaceDefinition d : shipped().values()) {
            assertEquals(d, parse("<node>" + d.toXml() + "</node>").get(d.name()));
        }
    }

    @Test
    void badDocumentsAreRefusedSayingWhere() {
        IOException noName = assertThrows(IOException.class, () -> parse("<node>\n<interface>\n</interface></node>"));
        assertTrue(noName.getMessage().contains("line 2: <interface> has no name="), noName.getMessage());
        IOException badType = assertThrows(IOException.class, () -> parse(
                "<node><interface name=\"a.b\"><method name=\"m\">\n<arg name=\"x\" type=\"ss\"/></method></interface></node>"));
        assertTrue(badType.getMessage().contains("'ss' is not one complete D-Bus type"), badType.getMessage());
        assertThrows(IOException.class, () -> parse("<node><interface name=\"a.b\">"));
    }

    @Test
    void anExternalEntityIsNeverFetched() {
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE node [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><node><interface name=\"&x;\"/></node>";
        assertThrows(IOException.class, () -> parse(xml));
    }
}
