package org.aptostree.ostree.pull;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import org.aptostree.testkit.Requirements;

/** A real nginx serving a directory on a loopback port, for pull tests (Debian's nginx-light). */
final class Nginx implements AutoCloseable {
    private final Process process;
    private final int port;

    private Nginx(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static Nginx serve(Path root, Path workDir) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(workDir);
        boolean root0 = "root".equals(System.getProperty("user.name"));
        String conf = (root0 ? "user root root;\n" : "") + """
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 64; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/body;
                  proxy_temp_path %1$s/proxy;
                  fastcgi_temp_path %1$s/fastcgi;
                  uwsgi_temp_path %1$s/uwsgi;
                  scgi_temp_path %1$s/scgi;
                  types { application/octet-stream bin; }
                  server {
                    listen 127.0.0.1:%2$d;
                    root %3$s;
                  }
                }
                """.formatted(workDir.toAbsolutePath(), port, root.toAbsolutePath());
        Path confFile = workDir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        Process p = new ProcessBuilder(Requirements.tool("nginx").toString(), "-p", workDir.toAbsolutePath().toString(), "-c", confFile.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(workDir.resolve("stdout.log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return new Nginx(p, port);
            } catch (IOException e) {
                if (!p.isAlive()) {
                    throw new IOException("nginx failed to start: " + Files.readString(workDir.resolve("stdout.log"))
                            + (Files.exists(workDir.resolve("error.log")) ? Files.readString(workDir.resolve("error.log")) : ""));
                }
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IOException("nginx did not start listening on port " + port);
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + "/" + path);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
