package org.aptostree.ostree.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.aptostree.ostree.OstreeFormatException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry client against a server that misbehaves on purpose, speaking HTTP/1.1 on a loopback socket: a blob
 * download that is cut off half way resumes with a range request and ends verified; a manifest of 100 MB is refused
 * after reading no more than the limit, with and without a {@code Content-Length}.
 */
class RegistryTransferTest {
    @TempDir
    Path dir;
    private Server server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    /** A request as the server read it. */
    record Request(String method, String path, Map<String, String> headers) {
    }

    @FunctionalInterface
    interface Handler {
        /** Answers one request; may close the connection part way. */
        void answer(Request request, OutputStream out) throws IOException;
    }

    /** One connection at a time, each request answered by the handler; every request is recorded. */
    static final class Server implements AutoCloseable {
        final ServerSocket socket;
        final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
        private final Thread thread;

        Server(Handler handler) throws IOException {
            socket = new ServerSocket(0);
            thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket c = socket.accept()) {
                        BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.ISO_8859_1));
                        OutputStream out = c.getOutputStream();
                        String line;
                        while ((line = in.readLine()) != null && !line.isEmpty()) {
                            String[] parts = line.split(" ");
                            Map<String, String> headers = new LinkedHashMap<>();
                            String h;
                            while ((h = in.readLine()) != null && !h.isEmpty()) {
                                int colon = h.indexOf(':');
                                headers.put(h.substring(0, colon).toLowerCase(), h.substring(colon + 1).strip());
                            }
                            Request r = new Request(parts[0], parts[1], headers);
                            requests.add(r);
                            handler.answer(r, out);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // the handler cut the connection, or the client did
                    }
                }
            }, "misbehaving-registry");
            thread.setDaemon(true);
            thread.start();
        }

        String host() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static void head(OutputStream out, String status, Map<String, String> headers) throws IOException {
        StringBuilder b = new StringBuilder("HTTP/1.1 ").append(status).append("\r\n");
        headers.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
        out.write(b.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void anInterruptedDownloadResumesWhereItStopped() throws Exception {
        byte[] blob = new byte[3 << 20];
        new Random(7).nextBytes(blob);
        Descriptor d = new Descriptor(MediaTypes.OCI_LAYER_GZIP, Digest.of(blob), blob.length);
        int cut = blob.length / 3;
        server = new Server((r, out) -> {
            String range = r.headers().get("range");
            if (range == null) {
                head(out, "200 OK", Map.of("Content-Length", String.valueOf(blob.length), "Content-Type", "application/octet-stream"));
                out.write(blob, 0, cut);
                out.flush();
                throw new IOException("cut off on purpose");
            }
            int from = Integer.parseInt(range.substring("bytes=".length(), range.indexOf('-')));
            head(out, "206 Partial Content", Map.of("Content-Length", String.valueOf(blob.length - from),
                    "Content-Range", "bytes " + from + "-" + (blob.length - 1) + "/" + blob.length));
            out.write(blob, from, blob.length - from);
        });
        RegistryClient client = new RegistryClient(server.host(), "test/img", Optional.empty(), true);
        Path file = dir.resolve("blob");
        client.downloadBlob(d, file);
        assertArrayEquals(blob, Files.readAllBytes(file));
        List<Request> gets = server.requests.stream().filter(r -> r.path().endsWith("/blobs/" + d.digest())).toList();
        assertEquals(2, gets.size(), "one interrupted transfer, one resumed");
        String resumedAt = gets.get(1).headers().get("range");
        long had = Long.parseLong(resumedAt.substring("bytes=".length(), resumedAt.indexOf('-')));
        assertTrue(had > 0 && had <= cut, "the second request asks only for what is missing: " + resumedAt);
    }

    @Test
    void aResumedDownloadThatDoesNotMatchItsDigestIsDropped() throws Exception {
        byte[] blob = new byte[1 << 20];
        new Random(8).nextBytes(blob);
        Descriptor d = new Descriptor(MediaTypes.OCI_LAYER_GZIP, Digest.of(blob), blob.length);
        server = new Server((r, out) -> {
            byte[] served = blob.clone();
            served[served.length - 1] ^= 1;
            head(out, "200 OK", Map.of("Content-Length", String.valueOf(served.length)));
            out.write(served);
        });
        RegistryClient client = new RegistryClient(server.host(), "test/img", Optional.empty(), true);
        Path file = dir.resolve("blob");
        IOException e = assertThrows(IOException.class, () -> client.downloadBlob(d, file));
        assertTrue(e.getMessage().contains("digest mismatch") && e.getMessage().contains(server.host()), e.getMessage());
        assertTrue(!Files.exists(file), "nothing is kept");
    }

    /** A manifest of 100 MB, sent for as long as the client reads; {@code sent} counts what went out. */
    private Server hugeManifest(boolean withLength, AtomicLong sent) throws IOException {
        long size = 100L << 20;
        return new Server((r, out) -> {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Content-Type", MediaTypes.OCI_MANIFEST);
            if (withLength) {
                h.put("Content-Length", String.valueOf(size));
            } else {
                h.put("Transfer-Encoding", "chunked");
            }
            head(out, "200 OK", h);
            byte[] chunk = new byte[64 << 10];
            java.util.Arrays.fill(chunk, (byte) ' ');
            chunk[0] = '{';
            for (long written = 0; written < size; written += chunk.length) {
                if (!withLength) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                }
                out.write(chunk);
                if (!withLength) {
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
                sent.addAndGet(chunk.length);
                chunk[0] = ' ';
            }
            if (!withLength) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
        });
    }

    @Test
    void aManifestOf100MBIsRefusedUnread() throws Exception {
        for (boolean withLength : new boolean[] {true, false}) {
            AtomicLong sent = new AtomicLong();
            server = hugeManifest(withLength, sent);
            RegistryClient client = new RegistryClient(server.host(), "test/img", Optional.empty(), true);
            OstreeFormatException e = assertThrows(OstreeFormatException.class, () -> client.manifest("latest"));
            assertTrue(e.getMessage().contains(server.host()) && e.getMessage().contains("test/img") && e.getMessage().contains("limit"),
                    e.getMessage());
            server.close();
            assertTrue(sent.get() < 32L << 20, "the client stopped reading early (" + sent.get() + " bytes went out)");
        }
        server = null;
    }
}
