package org.aptostree.cli.deb;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Reads files of an APT mirror given as a directory, a {@code file:} URI or an {@code http(s):} URI. */
final class MirrorSource {
    private final Path directory;
    private final URI base;
    private final HttpClient http;

    private MirrorSource(Path directory, URI base) {
        this.directory = directory;
        this.base = base;
        this.http = base == null ? null : HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build();
    }

    static MirrorSource of(String mirror) {
        if (mirror.startsWith("http://") || mirror.startsWith("https://")) {
            return new MirrorSource(null, URI.create(mirror.endsWith("/") ? mirror : mirror + "/"));
        }
        if (mirror.startsWith("file:") || mirror.startsWith("copy:")) {
            return new MirrorSource(Path.of(URI.create("file:" + mirror.substring(mirror.indexOf(':') + 1))), null);
        }
        return new MirrorSource(Path.of(mirror), null);
    }

    /** The file's bytes, or null when it does not exist. */
    byte[] read(String relative) throws IOException {
        try (InputStream in = open(relative)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    /** A stream of the file, or null when it does not exist. */
    InputStream open(String relative) throws IOException {
        if (directory != null) {
            Path p = directory.resolve(relative);
            return Files.isRegularFile(p) ? Files.newInputStream(p) : null;
        }
        HttpRequest request = HttpRequest.newBuilder(base.resolve(relative)).timeout(Duration.ofMinutes(5)).GET().build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() == 404 || response.statusCode() == 410) {
                response.body().close();
                return null;
            }
            if (response.statusCode() != 200) {
                response.body().close();
                throw new IOException(request.uri() + ": HTTP " + response.statusCode());
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** True for local mirrors, where every present index is checked. */
    boolean isLocal() {
        return directory != null;
    }
}
