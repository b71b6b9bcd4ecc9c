package org.aptostree.cli.deb;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.aptostree.deb.archive.DebReader;
import org.aptostree.deb.unpack.Extractor;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code apt-ostree deb extract FILE.deb DIR}: the data files below DIR, safely (see {@link Extractor}). */
@Command(name = "extract", mixinStandardHelpOptions = true,
        description = {"Extract the files of a .deb into DIR, as dpkg-deb -x, refusing absolute paths, '..',",
                "paths through symlinks, device nodes and FIFOs."})
public final class DebExtractCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE.deb", description = "The package.")
    Path file;

    @Parameters(index = "1", paramLabel = "DIR", description = "Target directory (created if missing).")
    Path directory;

    @Option(names = "--same-owner", description = "Set owners and groups from the archive (needs root).")
    boolean sameOwner;

    @Option(names = "--max-size", paramLabel = "BYTES", description = "Refuse packages expanding beyond BYTES (default ${DEFAULT-VALUE}).")
    long maxSize = 64L << 30;

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(directory);
        try (InputStream in = Files.newInputStream(file); DebReader deb = DebReader.open(in)) {
            new Extractor(directory, new Extractor.Options(sameOwner, maxSize)).extractAll(deb.data());
            deb.finish();
        }
        return 0;
    }
}
