package org.aptostree.cli.deb;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.aptostree.deb.control.Paragraph;
import org.aptostree.deb.dpkg.DpkgDatabase;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code apt-ostree deb unpack --root DIR FILE.deb...}: unpacks packages into DIR and records them
 * in DIR/var/lib/dpkg as {@code dpkg --root=DIR --unpack} does, without running maintainer scripts.
 */
@Command(name = "unpack", mixinStandardHelpOptions = true,
        description = {"Unpack .debs into a root and write its dpkg database (status 'install ok unpacked',",
                "info files, conffiles as .dpkg-new), like dpkg --root=DIR --unpack without maintainer scripts.",
                "Afterwards the target's own dpkg can configure them: dpkg --root=DIR --configure -a."})
public final class DebUnpackCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--root", required = true, paramLabel = "DIR", description = "Target root directory (created with an empty dpkg database if it has none).")
    Path root;

    @Parameters(paramLabel = "FILE.deb", arity = "1..*", description = "Packages, unpacked in order.")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        DpkgDatabase db;
        if (DpkgDatabase.adminDirectory(root).isPresent()) {
            db = DpkgDatabase.open(root);
        } else {
            db = DpkgDatabase.create(root, true);
            spec.commandLine().getErr().println("note: " + root + " had no dpkg database; created " + db.adminDirectory());
        }
        for (Path f : files) {
            Paragraph p = db.unpack(f);
            out.println("Unpacking " + p.valueOrNull("Package") + " (" + p.valueOrNull("Version") + ") ...");
        }
        db.write();
        out.flush();
        return 0;
    }
}
