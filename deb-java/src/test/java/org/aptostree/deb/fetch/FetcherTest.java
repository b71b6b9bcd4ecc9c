package org.aptostree.deb.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.aptostree.deb.DebFormatException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

class FetcherTest {
    @TempDir
    Path tmp;
    HttpServer server;
    final byte[] payload = new byte[300_000];
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger failuresLeft = new AtomicInteger();
    final List<String> ranges = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        new Random(1).nextBytes(payload);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            if (failuresLeft.getAndDecrement() > 0) {
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
                return;
            }
            String range = exchange.getRequestHeaders().getFirst("Range");
            synchronized (ranges) {
                ranges.add(String.valueOf(range));
            }
            if (exchange.getRequestURI().getPath().endsWith("/missing")) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            int from = range == null ? 0 : Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
            exchange.sendResponseHeaders(range == null ? 200 : 206, payload.length - from);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(payload, from, payload.length - from);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void fetchesVerifiesCachesAndWorksOffline() throws Exception {
        List<Long> progress = new ArrayList<>();
        Fetcher f = new Fetcher(tmp.resolve("cache"), 4, 3, new Fetcher.Listener() {
            @Override
            public void progress(URI u, long done, long total) {
                synchronized (progress) {
                    progress.add(done);
                }
            }
        });
        FetchRequest r = new FetchRequest(uri("/pool/a.deb"), payload.length, sha256(payload));
        Path p = f.fetch(r);
        assertArrayEquals(payload, Files.readAllBytes(p));
        assertEquals(payload.length, (long) progress.get(progress.size() - 1));
        server.stop(0);
        // Offline: the cache answers without the server.
        assertEquals(p, f.fetch(r));
    }

    @Test
    void aDamagedCachedFileIsFetchedAgainOnlineAndRefusedOffline() throws Exception {
        FetchRequest r = new FetchRequest(uri("/pool/a.deb"), payload.length, sha256(payload));
        List<String> discarded = new ArrayList<>();
        Fetcher.Listener listener = new Fetcher.Listener() {
            @Override
            public void discarded(URI u, Path file, String reason) {
                discarded.add(reason);
            }
        };
        Path cached = new Fetcher(tmp.resolve("cache"), 1, 1, listener).fetch(r);
        byte[] damaged = payload.clone();
        damaged[1000] ^= 1;
        Files.write(cached, damaged);
        assertArrayEquals(payload, Files.readAllBytes(new Fetcher(tmp.resolve("cache"), 1, 1, listener).fetch(r)));
        assertEquals(1, discarded.size());
        assertTrue(discarded.get(0).contains("SHA256 mismatch"), discarded.get(0));

        Files.write(cached, damaged);
        int before = requests.get();
        Fetcher offline = new Fetcher(tmp.resolve("cache"), 1, 1, true, listener);
        IOException e = assertThrows(IOException.class, () -> offline.fetch(r));
        assertTrue(e.getMessage().startsWith("offline: "), e.getMessage());
        assertEquals(before, requests.get(), "no request while offline");
        assertFalse(Files.exists(cached), "the damaged copy is not kept");
    }

    @Test
    void readsSignedMetadataUncachedAndSaysWhenItIsMissing() throws Exception {
        Fetcher f = new Fetcher(tmp.resolve("cache"), 1, 1, new Fetcher.Listener() { });
        assertArrayEquals(payload, f.readUnverified(uri("/dists/x/InRelease")).orElseThrow());
        assertTrue(f.readUnverified(uri("/dists/x/missing")).isEmpty());
        Path local = tmp.resolve("Release");
        Files.writeString(local, "Origin: x\n");
        assertEquals("Origin: x\n", new String(f.readUnverified(URI.create("copy://" + local)).orElseThrow()));
        assertTrue(f.readUnverified(URI.create("file://" + tmp.resolve("none"))).isEmpty());
        IOException e = assertThrows(IOException.class,
                () -> new Fetcher(tmp.resolve("cache"), 1, 1, true, new Fetcher.Listener() { }).readUnverified(uri("/dists/x/InRelease")));
        assertTrue(e.getMessage().startsWith("offline: "), e.getMessage());
    }

    @Test
    void retriesServerErrorsAndResumesPartialDownloads() throws Exception {
        failuresLeft.set(2);
        Fetcher f = new Fetcher(tmp.resolve("cache"), 1, 3, new Fetcher.Listener() { });
        String hash = sha256(payload);
        Files.createDirectories(tmp.resolve("cache/partial"));
        Files.write(tmp.resolve("cache/partial/" + hash), java.util.Arrays.copyOf(payload, 100_000));
        Path p = f.fetch(new FetchRequest(uri("/pool/b.deb"), payload.length, hash));
        assertArrayEquals(payload, Files.readAllBytes(p));
        assertEquals(3, requests.get());
        assertEquals(List.of("bytes=100000-"), ranges);
    }

    @Test
    void wrongContentIsRefusedAndNotCached() throws Exception {
        Fetcher f = new Fetcher(tmp.resolve("cache"), 1, 3, new Fetcher.Listener() { });
        String wrong = "0".repeat(64);
        DebFormatException e = assertThrows(DebFormatException.class,
                () -> f.fetch(new FetchRequest(uri("/pool/c.deb"), payload.length, wrong)));
        assertTrue(e.getMessage().contains("SHA256 mismatch"), e.getMessage());
        assertFalse(Files.exists(f.cachedPath(wrong)));
        assertThrows(DebFormatException.class, () -> f.fetch(new FetchRequest(uri("/pool/c.deb"), 10, sha256(payload))));
        assertThrows(IOException.class, () -> f.fetch(new FetchRequest(uri("/missing"), 1, wrong)));
    }

    @Test
    void parallelAndLocalUris() throws Exception {
        Path local = tmp.resolve("local.bin");
        Files.write(local, payload);
        Fetcher f = new Fetcher(tmp.resolve("cache"), 3, 2, new Fetcher.Listener() { });
        byte[] other = "hello\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Path otherFile = tmp.resolve("other.txt");
        Files.write(otherFile, other);
        List<Path> paths = f.fetchAll(List.of(
                new FetchRequest(uri("/x/1"), payload.length, sha256(payload)),
                new FetchRequest(URI.create("copy:" + otherFile), other.length, sha256(other)),
                new FetchRequest(local.toUri(), payload.length, sha256(payload))));
        assertEquals(3, paths.size());
        assertArrayEquals(other, Files.readAllBytes(paths.get(1)));
        assertEquals(paths.get(0), paths.get(2));
    }

    @Test
    void aMissingLocalFileFailsAtOnceNamingIt() throws Exception {
        Fetcher f = new Fetcher(tmp.resolve("cache"), 1, 5, new Fetcher.Listener() { });
        Path missing = tmp.resolve("pool/gone.deb");
        IOException e = assertThrows(IOException.class, () -> f.fetch(new FetchRequest(missing.toUri(), 1, "0".repeat(64))));
        assertTrue(e.getMessage().startsWith("cannot read " + missing.toUri() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertFalse(Files.exists(f.cachedPath("0".repeat(64))));
    }
}
