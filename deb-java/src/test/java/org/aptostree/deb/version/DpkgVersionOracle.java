package org.aptostree.deb.version;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks the real {@code dpkg --compare-versions} about many pairs in one shell process (spawning a JVM
 * process per pair would be far slower). Answers per pair: "<", "=", ">" or "E" (dpkg exit 2: bad syntax).
 * Public for fixtures' version property, through deb-java's test jar.
 */
public final class DpkgVersionOracle {
    private static final String SCRIPT = """
            tab=$(printf '\\t')
            while IFS="$tab" read -r a b; do
              dpkg --compare-versions "$a" lt "$b" 2>/dev/null; r=$?
              if [ $r = 0 ]; then echo '<'
              elif [ $r = 1 ]; then
                if dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then echo '='; else echo '>'; fi
              else echo E
              fi
            done < "$1"
            """;

    private DpkgVersionOracle() {
    }

    /** dpkg's answer for each pair {a, b}; the strings must not contain tab or newline. */
    public static List<String> compare(List<String[]> pairs) throws IOException, InterruptedException {
        Path input = Files.createTempFile("version-pairs", ".tsv");
        try {
            StringBuilder b = new StringBuilder();
            for (String[] pair : pairs) {
                b.append(pair[0]).append('\t').append(pair[1]).append('\n');
            }
            Files.writeString(input, b, StandardCharsets.UTF_8);
            Process p = new ProcessBuilder("sh", "-c", SCRIPT, "sh", input.toString())
                    .redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            List<String> out = new ArrayList<>(pairs.size());
            try (var r = p.inputReader(StandardCharsets.UTF_8)) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    out.add(line);
                }
            }
            if (p.waitFor() != 0 || out.size() != pairs.size()) {
                throw new IOException("dpkg oracle failed: " + out.size() + " answers for " + pairs.size() + " pairs");
            }
            return out;
        } finally {
            Files.deleteIfExists(input);
        }
    }

    /** Our answer in the oracle's vocabulary. */
    public static String ours(String a, String b) {
        try {
            int c = Version.parse(a).compareTo(Version.parse(b));
            return c < 0 ? "<" : c == 0 ? "=" : ">";
        } catch (org.aptostree.deb.DebFormatException e) {
            return "E";
        }
    }
}
