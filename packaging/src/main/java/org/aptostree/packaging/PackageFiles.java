package org.aptostree.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import org.aptostree.cli.Main;

import picocli.AutoComplete;

/**
 * Writes the package's generated files into a directory laid out as the host's {@code /}: the man pages
 * apt-ostree(8) from the CLI's picocli model, apt-ostreed(8), and apt-ostreed.conf(5) from the shipped
 * configuration file's documentation; bash completion from the same model; the Debian changelog.
 * <p>
 * {@code PackageFiles OUT_DIR MAVEN_VERSION OUTPUT_TIMESTAMP CONF_FILE}: the timestamp (ISO-8601, the build's
 * {@code project.build.outputTimestamp}) dates the pages and the changelog, so the package is reproducible.
 */
public final class PackageFiles {
    /** The package's name, its command's and the completion's. */
    static final String PACKAGE = "apt-ostree";
    static final String MAINTAINER = "apt-ostree maintainers <maintainers@users.noreply.r-seed-9cb2a36c.example>";

    private PackageFiles() {
    }

    public static void main(String[] args) throws IOException, PackagingFormatException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: PackageFiles OUT_DIR MAVEN_VERSION OUTPUT_TIMESTAMP CONF_FILE");
        }
        write(Path.of(args[0]), debianVersion(args[1]), Instant.parse(args[2]), Path.of(args[3]));
    }

    /** Maven's {@code 1.0-SNAPSHOT} is {@code 1.0~snapshot} for dpkg (sorting before 1.0), as jdeb 1.15 writes it. */
    static String debianVersion(String mavenVersion) {
        return mavenVersion.replace("-SNAPSHOT", "~snapshot");
    }

    static void write(Path out, String version, Instant time, Path confFile) throws IOException, PackagingFormatException {
        String date = DateTimeFormatter.ISO_LOCAL_DATE.format(time.atOffset(ZoneOffset.UTC));
        String source = PACKAGE + " " + version;
        var model = Main.fullModel();

        gzipped(out.resolve("usr/share/man/man8/apt-ostree.8.gz"), CommandManPage.render(model, date, source));
        gzipped(out.resolve("usr/share/man/man8/apt-ostreed.8.gz"), DaemonManPage.render(date, source));
        ConfigurationFile conf = ConfigurationFile.parse(confFile.toString(), Files.readString(confFile));
        gzipped(out.resolve("usr/share/man/man5/apt-ostreed.conf.5.gz"), conf.manPage("apt-ostreed.conf", date, source,
                "Updates downloaded and staged by the timer, to be deployed at the next reboot:",
                List.of("[Daemon]", "AutomaticUpdatePolicy=stage")));
        replace(out.resolve("usr/share/bash-completion/completions/" + PACKAGE), completion(model).getBytes(StandardCharsets.UTF_8));
        gzipped(out.resolve("usr/share/doc/" + PACKAGE + "/changelog.gz"), changelog(version, time));
    }

    /** picocli's completion script, without its {@code #!} line: bash sources it, it is not run. */
    static String completion(picocli.CommandLine model) {
        String script = AutoComplete.bash(PACKAGE, model);
        return script.startsWith("#!") ? script.substring(script.indexOf('\n') + 1) : script;
    }

    /** A native package's changelog: one entry, for this build. */
    static String changelog(String version, Instant time) {
        String when = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT).format(time.atOffset(ZoneOffset.UTC));
        return PACKAGE + " (" + version + ") unstable; urgency=medium\n\n"
                + "  * Built from the apt-ostree repository; its git history records the changes.\n\n"
                + " -- " + MAINTAINER + "  " + when + "\n";
    }

    private static void gzipped(Path file, String text) throws IOException {
        replace(file, GzipFile.compress(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Written beside the file, then renamed over it. */
    private static void replace(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
