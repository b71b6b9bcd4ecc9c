package org.aptostree.ostree.container;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.aptostree.testkit.Requirements;

/** Debian's docker-registry (the distribution registry) on loopback, with an optional token-auth configuration. */
public final class LocalRegistry implements AutoCloseable {
    public final int port;
    public final Path storage;
    private final Process process;

    private LocalRegistry(int port, Path storage, Process process) {
        this.port = port;
        this.storage = storage;
        this.process = process;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts a registry in {@code dir}; {@code authYaml} is the {@code auth:} section or empty. */
    public static LocalRegistry start(Path dir, String authYaml) throws Exception {
        Requirements.tools("docker-registry");
        Path storage = dir.resolve("storage");
        Files.createDirectories(storage);
        // The port is free when probed, but another process may take it before the registry binds it: then again.
        for (int attempt = 1; ; attempt++) {
            LocalRegistry started = start(dir, storage, authYaml);
            if (started != null) {
                return started;
            }
            if (attempt == 5) {
                throw new IOException("docker-registry found its port taken 5 times: " + Files.readString(dir.resolve("registry.log")));
            }
        }
    }

    private static LocalRegistry start(Path dir, Path storage, String authYaml) throws Exception {
        int port = freePort();
        Path config = dir.resolve("config.yml");
        Files.writeString(config, "version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: "
                + storage + "\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:" + port + "\n" + authYaml);
        ProcessBuilder pb = new ProcessBuilder("docker-registry", "serve", config.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("registry.log").toFile());
        Process p = pb.start();
        for (int i = 0; i < 100; i++) {
            if (!p.isAlive()) {
                String log = Files.readString(dir.resolve("registry.log"));
                if (log.contains("address already in use")) {
                    return null;
                }
                throw new IOException("docker-registry exited: " + log);
            }
            // It says so once it holds the port; until then, whatever answers there may be another process.
            String log = Files.readString(dir.resolve("registry.log"));
            if (log.contains("listening on 127.0.0.1:" + port + "\"")) {
                try {
                    HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/v2/").toURL().openConnection();
                    int code = c.getResponseCode();
                    if (code == 200 || code == 401) {
                        return new LocalRegistry(port, storage, p);
                    }
                } catch (IOException notYet) {
                    // accepting shortly
                }
            }
            Thread.sleep(100);
        }
        p.destroy();
        throw new IOException("docker-registry did not start: " + Files.readString(dir.resolve("registry.log")));
    }

    public String host() {
        return "127.0.0.1:" + port;
    }

    /** The blobs the registry stores, by digest directory. */
    public List<String> blobs() throws IOException {
        Path b = storage.resolve("docker/registry/v2/blobs/sha256");
        if (!Files.isDirectory(b)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(b, 2)) {
            return s.filter(p -> p.getFileName().toString().length() == 64).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
