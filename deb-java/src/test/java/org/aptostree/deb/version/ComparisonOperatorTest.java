package org.aptostree.deb.version;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.aptostree.deb.DebFormatException;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.Test;

/** Every operator of {@code dpkg --compare-versions}, with empty and bad versions, gives dpkg's exit status. */
class ComparisonOperatorTest {
    private static final List<String> VERSIONS = List.of("", "<unknown>", "1.0", "1.0-1", "1:0.9", "1.0~rc1", "a1", "1:", "1.0 x");
    private static final List<String> OPERATORS = List.of("lt", "le", "eq", "ne", "ge", "gt", "lt-nl", "le-nl", "ge-nl",
            "gt-nl", "<", "<=", "<<", "=", ">", ">=", ">>", "==", "foo");

    static int ours(String a, String op, String b) {
        ComparisonOperator o = ComparisonOperator.bySpelling(op);
        if (o == null) {
            return 2;
        }
        try {
            Version va = a.isEmpty() || a.equals("<unknown>") ? null : Version.parse(a);
            Version vb = b.isEmpty() || b.equals("<unknown>") ? null : Version.parse(b);
            return o.test(va, vb) ? 0 : 1;
        } catch (DebFormatException e) {
            return 2;
        }
    }

    @Test
    void exitStatusesMatchDpkg() throws Exception {
        Requirements.tool("dpkg");
        List<String[]> cases = new ArrayList<>();
        for (String a : VERSIONS) {
            for (String op : OPERATORS) {
                for (String b : VERSIONS) {
                    cases.add(new String[] {a, op, b});
                }
            }
        }
        Path input = Files.createTempFile("cmp", ".tsv");
        StringBuilder text = new StringBuilder();
        for (String[] c : cases) {
            text.append(c[0]).append('\u0001').append(c[1]).append('\u0001').append(c[2]).append('\n');
        }
        Files.writeString(input, text);
        String script = "while IFS=\"$(printf '\\001')\" read -r a op b; do dpkg --compare-versions \"$a\" \"$op\" \"$b\" 2>/dev/null; echo $?; done < \"$1\"";
        Process p = new ProcessBuilder("sh", "-c", script, "sh", input.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> dpkg = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        p.waitFor();
        Files.delete(input);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            String[] c = cases.get(i);
            int mine = ours(c[0], c[1], c[2]);
            if (!String.valueOf(mine).equals(dpkg.get(i))) {
                mismatches.add("'" + c[0] + "' " + c[1] + " '" + c[2] + "': dpkg " + dpkg.get(i) + ", ours " + mine);
            }
        }
        assertEquals(List.of(), mismatches);
    }
}
