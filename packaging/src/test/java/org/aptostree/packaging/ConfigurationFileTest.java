package org.aptostree.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The shipped apt-ostreed.conf, read for its documentation. */
class ConfigurationFileTest {
    @Test
    void theShippedFileDocumentsEverySettingWithItsDefault() throws Exception {
        ConfigurationFile conf = ConfigurationFile.parse("apt-ostreed.conf", Files.readString(ManPageTest.shippedConfiguration()));
        assertEquals("/etc/apt-ostree/apt-ostreed.conf", conf.path());
        assertEquals(1, conf.groups().size());
        ConfigurationFile.Group daemon = conf.groups().get(0);
        assertEquals("Daemon", daemon.name());
        assertEquals(List.of("AutomaticUpdatePolicy=none", "IdleExitTimeout=60"),
                daemon.settings().stream().map(s -> s.key() + "=" + s.defaultValue()).toList());
        assertEquals(List.of("none", "check", "stage"), daemon.settings().get(0).description().stream()
                .filter(ConfigurationFile.Value.class::isInstance).map(v -> ((ConfigurationFile.Value) v).name()).toList());
        assertTrue(conf.header().size() >= 1);
    }

    @Test
    void aMalformedFileIsRefusedNamingTheLine() {
        String head = "# /etc/x.conf: settings.\n#\n# About.\n\n";
        assertMessage(head + "[Daemon]\n#Alone=1\n", ":6: setting Alone has no description");
        assertMessage(head + "# what it is\n#Loose=1\n", ":6: setting Loose outside a [Group]");
        assertMessage(head + "[Daemon]\n# described\n\n#Late=1\n", ":7: a description must end with the setting it describes");
        assertMessage(head + "[Daemon]\nKey=1\n", ":6: expected a comment, a [Group] or a commented-out setting, not 'Key=1'");
        assertMessage(head + "[Daemon]\n# described, never set\n", "the last description has no setting after it");
        assertMessage("# no path here\n", ":1: expected '# /path/of/the/file: what it holds.'");
        assertMessage(head, "no [Group] of settings");
    }

    private static void assertMessage(String text, String expected) {
        PackagingFormatException e = assertThrows(PackagingFormatException.class, () -> ConfigurationFile.parse("x.conf", text));
        assertTrue(e.getMessage().startsWith("x.conf") && e.getMessage().contains(expected), e.getMessage());
    }
}
