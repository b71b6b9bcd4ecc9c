package org.aptostree.deb.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.aptostree.deb.DebFormatException;

/**
 * Downloads files into a cache keyed by SHA-256 ({@code CACHE/sha256/HEX}), as apt's acquire does
 * for indexes and packages: every file is checked against its expected size and hash before it
 * enters the cache; a file already cached is used without any network access (offline use);
 * interrupted downloads resume from {@code CACHE/partial/HEX} with an HTTP range request; failed
 * attempts (I/O errors, HTTP 5xx) are retried; several files are fetched in parallel.
 * {@code file:} and {@code copy:} URIs are read from the local file system.
 */
public final class Fetcher {
    /** Progress of the transfers (called from worker threads). */
    public interface Listener {
        /** {@code done} of {@code total} bytes of {@code uri} are in. */
        default void progress(URI uri, long done, long total) {
        }

        /** {@code uri} is verified and cached at {@code file} ({@code fromCache} when no transfer was needed). */
        default void finished(URI uri, Path file, boolean fromCache) {
        }

        /** The cached copy of {@code uri} failed verification ({@code reason}) and was deleted. */
        default void discarded(URI uri, Path file, String reason) {
        }
    }

    private final Path cache;
    private final int parallelism;
    private final int attempts;
    private final boolean offline;
    private final Listener listener;
    /** Made on the first network transfer: building one took ~0.3 s of a compose from a local mirror, which never uses it. */
    private HttpClient http;
    /** One lock per hash: two requests for the same content must not write the same partial file. */
    private final java.util.concurrent.ConcurrentHashMap<String, Object> locks = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A fetcher.
     *
     * @param cache       cache directory (created when missing)
     * @param parallelism concurrent transfers
     * @param attempts    tries per file (at least 1)
     * @param listener    progress listener
     */
    public Fetcher(Path cache, int parallelism, int attempts, Listener listener) {
        this(cache, parallelism, attempts, false, listener);
    }

    /**
     * A fetcher that, when {@code offline}, uses only the cache and {@code file:}/{@code copy:} URIs and
     * refuses any network transfer.
     */
    public Fetcher(Path cache, int parallelism, int attempts, boolean offline, Listener listener) {
        this.cache = cache;
        this.parallelism = Math.max(1, parallelism);
        this.attempts = Math.max(1, attempts);
        this.offline = offline;
        this.listener = listener;
    }

    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(30)).build();
        }
        return http;
    }

    /** Where a file with this hash lives in the cache (it may not exist yet). */
    public Path cachedPath(String sha256) {
        return cache.resolve("sha256").resolve(sha256);
    }

    /**
     * Fetches one file (or takes it from the cache) and returns its cached path.
     *
     * @throws DebFormatException when the content does not match the expected size or hash
     * @throws IOException        when every attempt failed
     */
    public Path fetch(FetchRequest request) throws IOException {
        synchronized (locks.computeIfAbsent(request.sha256(), k -> new Object())) {
            return fetchLocked(request);
        }
    }

    private Path fetchLocked(FetchRequest request) throws IOException {
        Path target = cachedPath(request.sha256());
        if (Files.isRegularFile(target)) {
            // The cache is as untrusted as the network: a file changed since it was verified is not used.
            try {
                verify(request, target);
                listener.finished(request.uri(), target, true);
                return target;
            } catch (IOException e) {
                Files.deleteIfExists(target);
                listener.discarded(request.uri(), target, e.getMessage());
            }
        }
        if (offline && isRemote(request.uri())) {
            throw new IOException("offline: " + request.uri() + " (SHA256 " + request.sha256() + ") is not in the cache " + cache);
        }
        Files.createDirectories(target.getParent());
        Files.createDirectories(cache.resolve("partial"));
        Path partial = cache.resolve("partial").resolve(request.sha256());
        // A local file that cannot be read now will not be readable in a moment: only the network is retried.
        int tries = isRemote(request.uri()) ? attempts : 1;
        IOException last = null;
        for (int attempt = 1; attempt <= tries; attempt++) {
            try {
                transfer(request, partial);
                verify(request, partial);
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                listener.finished(request.uri(), target, false);
                return target;
            } catch (DebFormatException e) {
                // Wrong content will not become right by retrying; start from scratch next time.
                Files.deleteIfExists(partial);
                throw e;
            } catch (IOException e) {
                last = e;
                if (attempt < tries) {
                    sleepBeforeRetry(attempt);
                }
            }
        }
        if (tries == 1) {
            throw new IOException("cannot read " + request.uri() + ": " + last, last);
        }
        throw new IOException("cannot fetch " + request.uri() + " after " + attempts + " attempts: " + last.getMessage(), last);
    }

    /** Fetches all files, {@code parallelism} at a time; returns their cached paths in order. */
    public List<Path> fetchAll(List<FetchRequest> requests) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "fetch");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Path>> futures = new ArrayList<>();
            for (FetchRequest r : requests) {
                futures.add(pool.submit(() -> fetch(r)));
            }
            List<Path> out = new ArrayList<>();
            IOException first = null;
            for (Future<Path> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    IOException io = e.getCause() instanceof IOException x ? x : new IOException(e.getCause());
                    if (first == null) {
                        first = io;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            if (first != null) {
                throw first;
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Reads a file whose authenticity is established afterwards by other means (InRelease, Release,
     * Release.gpg, checked by signature), without caching it.
     *
     * @return the bytes, or empty when the file does not exist (HTTP 404 or 410, or no such local file)
     */
    public Optional<byte[]> readUnverified(URI uri) throws IOException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        switch (scheme) {
            case "file", "copy" -> {
                Path source = localPath(uri);
                return Files.isRegularFile(source) ? Optional.of(Files.readAllBytes(source)) : Optional.empty();
            }
            case "http", "https" -> {
                if (offline) {
                    throw new IOException("offline: not fetching " + uri);
                }
                IOException last = null;
                for (int attempt = 1; attempt <= attempts; attempt++) {
                    try {
                        HttpResponse<InputStream> response = http().send(HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofMinutes(5)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                        try (InputStream body = response.body()) {
                            int status = response.statusCode();
                            if (status == 404 || status == 410) {
                                return Optional.empty();
                            }
                            if (status == 200) {
                                return Optional.of(body.readAllBytes());
                            }
                            last = new IOException(uri + ": HTTP " + status);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    } catch (IOException e) {
                        last = e;
                    }
                    sleepBeforeRetry(attempt);
                }
                throw new IOException("cannot fetch " + uri + " after " + attempts + " attempts: " + last.getMessage(), last);
            }
            default -> throw new IOException("unsupported URI scheme: " + uri);
        }
    }

    /** Whether a URI names the network rather than a local file ({@code file:}, or APT's {@code copy:}). */
    public static boolean isRemote(URI uri) {
        return !"file".equals(uri.getScheme()) && !"copy".equals(uri.getScheme());
    }

    private static Path localPath(URI uri) {
        return Path.of(URI.create("file:" + uri.getRawSchemeSpecificPart()));
    }

    private void transfer(FetchRequest request, Path partial) throws IOException {
        URI uri = request.uri();
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        switch (scheme) {
            case "file", "copy" -> {
                try (InputStream in = Files.newInputStream(localPath(uri))) {
                    copy(in, partial, false, request);
                }
            }
            case "http", "https" -> httpTransfer(request, partial);
            default -> throw new IOException("unsupported URI scheme: " + uri);
        }
    }

    private void httpTransfer(FetchRequest request, Path partial) throws IOException {
        long have = Files.exists(partial) ? Files.size(partial) : 0;
        if (have >= request.size()) {
            // Already complete (or too long, which verification will reject).
            return;
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(request.uri()).timeout(Duration.ofMinutes(10)).GET();
        if (have > 0) {
            b.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> response;
        try {
            response = http().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        int status = response.statusCode();
        try (InputStream body = response.body()) {
            if (status == 206 && have > 0) {
                copy(body, partial, true, request);
            } else if (status == 200) {
                copy(body, partial, false, request);
            } else if (status == 404 || status == 410) {
                throw new IOException(request.uri() + ": HTTP " + status + " (not found)");
            } else {
                throw new IOException(request.uri() + ": HTTP " + status);
            }
        }
    }

    private void copy(InputStream in, Path partial, boolean append, FetchRequest request) throws IOException {
        long done = append ? Files.size(partial) : 0;
        try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                done += n;
                if (done > request.size()) {
                    throw new DebFormatException(request.uri() + ": larger than the expected " + request.size() + " bytes");
                }
                out.write(buf, 0, n);
                listener.progress(request.uri(), done, request.size());
            }
        }
    }

    private static void verify(FetchRequest request, Path file) throws IOException {
        long size = Files.size(file);
        if (size != request.size()) {
            if (size < request.size()) {
                throw new IOException(request.uri() + ": transfer ended after " + size + " of " + request.size() + " bytes");
            }
            throw new DebFormatException(request.uri() + ": size mismatch, expected " + request.size() + ", got " + size);
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                sha.update(buf, 0, n);
            }
        }
        String got = HexFormat.of().formatHex(sha.digest());
        if (!got.equals(request.sha256())) {
            throw new DebFormatException(request.uri() + ": SHA256 mismatch, expected " + request.sha256() + ", got " + got);
        }
    }

    private static void sleepBeforeRetry(int attempt) {
        try {
            Thread.sleep(Math.min(2000L, 100L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted"));
        }
    }
}
