package org.aptostree.cli.deb;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.concurrent.Callable;

import org.aptostree.deb.archive.ContentsListing;
import org.aptostree.deb.archive.DebReader;
import org.aptostree.deb.archive.TarEntry;
import org.aptostree.deb.archive.TarReader;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code apt-ostree deb contents FILE.deb}: one line per data entry, as {@code dpkg-deb -c}. */
@Command(name = "contents", mixinStandardHelpOptions = true,
        description = "List the files of a .deb as dpkg-deb -c does (times in the local time zone).")
public final class DebContentsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE.deb", description = "The package.")
    Path file;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ContentsListing listing = new ContentsListing(ZoneId.systemDefault());
        try (InputStream in = Files.newInputStream(file); DebReader deb = DebReader.open(in)) {
            TarReader data = deb.data();
            for (TarEntry e = data.next(); e != null; e = data.next()) {
                out.println(listing.line(e));
            }
            deb.finish();
        } finally {
            out.flush();
        }
        return 0;
    }
}
