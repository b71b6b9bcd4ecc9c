package org.aptostree.cli.deb;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.version.ComparisonOperator;
import org.aptostree.deb.version.Version;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code apt-ostree deb compare-versions A OP B}, as {@code dpkg --compare-versions}: exit 0 when
 * the relation holds, 1 when not, 2 for a bad version or operator. Put {@code --} first when A
 * starts with a hyphen.
 */
@Command(name = "compare-versions", mixinStandardHelpOptions = true,
        description = {"Compare two versions as dpkg --compare-versions does; exit 0 if A OP B holds, 1 if not,",
                "2 on a bad version or operator. OP: lt le eq ne ge gt, lt-nl le-nl ge-nl gt-nl",
                "(empty version is later), or << <= = >= >> (and obsolete < >)."})
public final class DebCompareVersionsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A")
    String a;

    @Parameters(index = "1", paramLabel = "OP")
    String op;

    @Parameters(index = "2", paramLabel = "B")
    String b;

    @Override
    public Integer call() {
        ComparisonOperator operator = ComparisonOperator.bySpelling(op);
        if (operator == null) {
            throw new ExitCodeException(2, "--compare-versions bad relation");
        }
        PrintWriter err = spec.commandLine().getErr();
        if (operator.isObsolete()) {
            err.println("warning: --compare-versions used with obsolete relation operator '" + op + "'");
        }
        Version va = version(a, err);
        Version vb = version(b, err);
        err.flush();
        if (!operator.test(va, vb)) {
            throw new ExitCodeException(1, null);
        }
        return 0;
    }

    /** dpkg: an empty string or {@code <unknown>} is the empty version; warnings do not stop the comparison. */
    private static Version version(String text, PrintWriter err) {
        if (text.isEmpty() || text.equals("<unknown>")) {
            return null;
        }
        try {
            Version v = Version.parse(text);
            v.syntaxWarning().ifPresent(w -> err.println("warning: version '" + text + "' has bad syntax: " + w));
            return v;
        } catch (DebFormatException e) {
            throw new ExitCodeException(2, "version '" + text + "' has bad syntax: " + e.reason());
        }
    }
}
