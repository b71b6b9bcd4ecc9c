package org.aptostree.cli.deb;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;

import org.aptostree.deb.fetch.Fetcher;

/**
 * Files of an APT mirror given as a directory, a {@code file:}/{@code copy:} URI or an {@code http(s):} URI,
 * read through the project's one downloader; what is read here is checked by signature or hash afterwards.
 */
final class MirrorSource {
    private final URI base;
    private final boolean local;
    private final Fetcher fetcher;

    private MirrorSource(URI base, boolean local) throws IOException {
        this.base = base;
        this.local = local;
        // Only readUnverified is used, which never touches the cache directory.
        this.fetcher = new Fetcher(Path.of(System.getProperty("java.io.tmpdir")), 1, 3, new Fetcher.Listener() { });
    }

    static MirrorSource of(String mirror) throws IOException {
        if (mirror.startsWith("http://") || mirror.startsWith("https://")) {
            return new MirrorSource(URI.create(mirror.endsWith("/") ? mirror : mirror + "/"), false);
        }
        if (mirror.startsWith("file:") || mirror.startsWith("copy:")) {
            mirror = Path.of(URI.create("file:" + mirror.substring(mirror.indexOf(':') + 1))).toString();
        }
        return new MirrorSource(Path.of(mirror).toAbsolutePath().toUri(), true);
    }

    /** The file's bytes, or null when it does not exist. */
    byte[] read(String relative) throws IOException {
        return fetcher.readUnverified(base.resolve(relative)).orElse(null);
    }

    /** A stream of the file, or null when it does not exist. */
    InputStream open(String relative) throws IOException {
        byte[] data = read(relative);
        return data == null ? null : new ByteArrayInputStream(data);
    }

    /** True for local mirrors, where every present index is checked. */
    boolean isLocal() {
        return local;
    }
}
