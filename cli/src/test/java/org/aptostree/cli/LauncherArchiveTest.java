package org.aptostree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/**
 * The launcher maps the system verbs' class-data-sharing archive for every verb but the command groups': its list
 * of groups must be Main's, or a new group's commands would map the archive trained without them.
 */
class LauncherArchiveTest {

    @Test
    void theLauncherKnowsEveryCommandGroup() throws IOException {
        Path launcher = Path.of("..", "apt-ostree");
        List<String> lines = Files.readAllLines(launcher).stream()
                .filter(l -> l.strip().startsWith("\"\"|") && l.contains("cds=\"$here/cli/target/apt-ostree.jsa\""))
                .toList();
        assertEquals(1, lines.size(), "the launcher's case that maps the general archive: " + lines);
        String pattern = lines.get(0).strip();
        Set<String> names = new TreeSet<>(List.of(pattern.substring(0, pattern.indexOf(')')).split("\\|")));
        names.remove("\"\"");
        assertEquals(new TreeSet<>(Main.groupNames()), names, "the groups in " + launcher.toAbsolutePath().normalize());
    }
}
