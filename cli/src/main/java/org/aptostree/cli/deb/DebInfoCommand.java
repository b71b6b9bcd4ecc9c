package org.aptostree.cli.deb;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.aptostree.deb.archive.DebReader;
import org.aptostree.deb.control.ControlFieldQuery;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code apt-ostree deb info FILE.deb [FIELD...]}: the control fields, as {@code dpkg-deb -f}. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print the control file of a .deb, or selected fields, as dpkg-deb -f does.")
public final class DebInfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE.deb", description = "The package.")
    Path file;

    @Parameters(index = "1..*", paramLabel = "FIELD", description = "Fields to print (case-insensitive).")
    List<String> fields = List.of();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (InputStream in = Files.newInputStream(file); DebReader deb = DebReader.open(in)) {
            if (fields.isEmpty()) {
                out.print(new String(deb.control().controlBytes(), StandardCharsets.UTF_8));
            } else {
                out.print(ControlFieldQuery.print(deb.control().control(), fields));
            }
        }
        out.flush();
        return 0;
    }
}
