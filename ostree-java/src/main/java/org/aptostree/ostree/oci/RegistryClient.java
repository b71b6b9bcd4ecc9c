package org.aptostree.ostree.oci;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import org.aptostree.ostree.OstreeFormatException;

/**
 * A client of the OCI distribution API v2 for one repository of one registry, on the JDK's HTTP client: anonymous,
 * basic and bearer-token authentication (as the {@code WWW-Authenticate} challenge asks), manifests and indexes,
 * blob downloads that resume after an interruption and are verified against their digest, and monolithic or
 * chunked blob uploads. Errors name the registry, the reference and the HTTP status; credentials never appear.
 */
public final class RegistryClient {
    private static final String ACCEPT = String.join(", ", MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST,
            MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST_LIST);
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final int RETRIES = 5;

    private final HttpClient http;
    private final String host;
    private final String repository;
    private final URI base;
    private final Optional<RegistryCredentials> credentials;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    /** Uploads larger than this go in chunks of this size. */
    private long chunkSize = 16L << 20;

    /** A parsed {@code HOST[:PORT]/NAME[:TAG|@DIGEST]}. */
    public record Reference(String host, String repository, String tag, Digest digest) {
        public static Reference parse(String s) throws OstreeFormatException {
            int slash = s.indexOf('/');
            String host;
            String rest;
            if (slash < 0 || !(s.substring(0, slash).contains(".") || s.substring(0, slash).contains(":")
                    || s.substring(0, slash).equals("localhost"))) {
                host = "docker.io";
                rest = s;
            } else {
                host = s.substring(0, slash);
                rest = s.substring(slash + 1);
            }
            Digest digest = null;
            String tag = null;
            int at = rest.indexOf('@');
            if (at >= 0) {
                digest = Digest.parse(rest.substring(at + 1));
                rest = rest.substring(0, at);
            }
            int colon = rest.lastIndexOf(':');
            if (colon >= 0) {
                tag = rest.substring(colon + 1);
                rest = rest.substring(0, colon);
            }
            if (tag == null && digest == null) {
                tag = "latest";
            }
            if (host.equals("docker.io") && !rest.contains("/")) {
                rest = "library/" + rest;
            }
            if (!rest.matches("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*")) {
                throw new OstreeFormatException("invalid repository name '" + rest + "' in " + s);
            }
            if (tag != null && !tag.matches("\\w[\\w.-]{0,127}")) {
                throw new OstreeFormatException("invalid tag '" + tag + "' in " + s);
            }
            return new Reference(host, rest, tag, digest);
        }

        /** The tag or digest to ask the registry for. */
        public String reference() {
            return digest != null ? digest.toString() : tag;
        }

        @Override
        public String toString() {
            return host + "/" + repository + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
        }
    }

    public RegistryClient(String host, String repository, Optional<RegistryCredentials> credentials, boolean insecure) {
        this.host = host;
        this.repository = repository;
        this.credentials = credentials;
        String api = host.equals("docker.io") ? "registry-1.docker.io" : host;
        boolean plain = insecure || api.startsWith("localhost") || api.startsWith("127.") || api.startsWith("[::1]");
        this.base = URI.create((plain ? "http://" : "https://") + api + "/v2/" + repository + "/");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** The client for a reference, with credentials from the auth files. */
    public static RegistryClient forReference(Reference ref, Path authfile, boolean insecure) throws IOException, OstreeFormatException {
        return new RegistryClient(ref.host(), ref.repository(), RegistryCredentials.lookup(RegistryCredentials.searchPath(authfile),
                ref.host(), ref.repository()), insecure);
    }

    public void chunkSize(long bytes) {
        this.chunkSize = bytes;
    }

    private String where(String what) {
        return "registry " + host + ": " + repository + (what == null ? "" : " " + what);
    }

    // ------------------------------------------------------------------ auth

    private HttpResponse<InputStream> send(HttpRequest.Builder req, String what, String scope) throws IOException {
        String cached = tokens.get(scope);
        if (cached != null) {
            req.setHeader("Authorization", cached);
        }
        HttpResponse<InputStream> r = exchange(req.build(), what);
        if (r.statusCode() != 401) {
            return r;
        }
        String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
        drain(r);
        String auth = authorize(challenge, scope, what);
        tokens.put(scope, auth);
        req.setHeader("Authorization", auth);
        return exchange(req.build(), what);
    }

    private HttpResponse<InputStream> exchange(HttpRequest req, String what) throws IOException {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(where(what) + ": interrupted", e);
        } catch (IOException e) {
            throw new IOException(where(what) + ": " + e.getMessage(), e);
        }
    }

    /** Answers a challenge: Basic with the credentials, or a Bearer token from the realm the challenge names. */
    private String authorize(String challenge, String scope, String what) throws IOException {
        if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
            return credentials.orElseThrow(() -> new IOException(where(what) + ": HTTP 401: the registry wants credentials and none are configured"))
                    .basicHeader();
        }
        if (!challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
            throw new IOException(where(what) + ": HTTP 401 with an unsupported challenge");
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            throw new IOException(where(what) + ": HTTP 401: bearer challenge without a realm");
        }
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        if (params.containsKey("service")) {
            url.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8)).append('&');
        }
        url.append("scope=").append(URLEncoder.encode(params.getOrDefault("scope", scope), StandardCharsets.UTF_8));
        HttpRequest.Builder tr = HttpRequest.newBuilder(URI.create(url.toString())).timeout(Duration.ofMinutes(1)).GET();
        credentials.ifPresent(c -> tr.header("Authorization", c.basicHeader()));
        HttpResponse<InputStream> r = exchange(tr.build(), "token for " + scope);
        byte[] body = readBounded(r, 1 << 20, "token for " + scope);
        if (r.statusCode() != 200) {
            throw new IOException(where(what) + ": token server " + URI.create(realm).getHost() + " answered HTTP " + r.statusCode());
        }
        try {
            JsonNode n = OciJson.parseObject(body, 1 << 20, "token response");
            JsonNode t = n.has("token") ? n.get("token") : n.get("access_token");
            if (t == null || !t.isTextual()) {
                throw new IOException(where(what) + ": the token response has no token");
            }
            return "Bearer " + t.textValue();
        } catch (OstreeFormatException e) {
            throw new IOException(where(what) + ": " + e.getMessage(), e);
        }
    }

    private String pullScope() {
        return "repository:" + repository + ":pull";
    }

    private String pushScope() {
        return "repository:" + repository + ":pull,push";
    }

    // ------------------------------------------------------------------ reading

    private static void drain(HttpResponse<InputStream> r) throws IOException {
        try (InputStream in = r.body()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    private byte[] readBounded(HttpResponse<InputStream> r, int limit, String what) throws IOException {
        long length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (length > limit) {
            r.body().close();
            throw new IOException(where(what) + ": response of " + length + " bytes is more than the limit of " + limit);
        }
        try (InputStream in = r.body()) {
            byte[] b = in.readNBytes(limit + 1);
            if (b.length > limit) {
                throw new IOException(where(what) + ": response is more than the limit of " + limit + " bytes");
            }
            return b;
        }
    }

    private IOException status(HttpResponse<InputStream> r, String what) throws IOException {
        byte[] body = readBounded(r, 1 << 16, what);
        String text = new String(body, StandardCharsets.UTF_8).strip();
        if (text.length() > 300) {
            text = text.substring(0, 300) + "…";
        }
        return new IOException(where(what) + ": HTTP " + r.statusCode() + (text.isEmpty() ? "" : ": " + text));
    }

    /** A manifest or index as the registry has it, with its media type. */
    public record RawManifest(String mediaType, byte[] bytes, Digest digest) {
    }

    /** Fetches a manifest or index by tag or digest; a digest reference is checked against the bytes. */
    public RawManifest manifest(String reference) throws IOException, OstreeFormatException {
        String what = "manifest " + reference;
        HttpResponse<InputStream> r = send(HttpRequest.newBuilder(base.resolve("manifests/" + reference)).header("Accept", ACCEPT).GET(),
                what, pullScope());
        if (r.statusCode() != 200) {
            throw status(r, what);
        }
        byte[] body;
        try {
            body = readBounded(r, ImageManifest.MAX_SIZE, what);
        } catch (IOException e) {
            throw new OstreeFormatException(e.getMessage());
        }
        Digest d = Digest.of(body);
        if (reference.startsWith("sha256:") && !d.toString().equals(reference)) {
            throw new OstreeFormatException(where(what) + ": digest mismatch, the manifest's bytes hash to " + d);
        }
        String type = r.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
        return new RawManifest(type, body, d);
    }

    /** The digest of a tag's manifest without downloading it ({@code HEAD}), when the registry says it. */
    public Optional<Digest> manifestDigest(String reference) throws IOException, OstreeFormatException {
        String what = "manifest " + reference;
        HttpResponse<InputStream> r = send(HttpRequest.newBuilder(base.resolve("manifests/" + reference)).header("Accept", ACCEPT)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()), what, pullScope());
        drain(r);
        if (r.statusCode() != 200) {
            throw new IOException(where(what) + ": HTTP " + r.statusCode());
        }
        Optional<String> h = r.headers().firstValue("Docker-Content-Digest");
        return h.isPresent() ? Optional.of(Digest.parse(h.get())) : Optional.empty();
    }

    /**
     * Downloads a blob into {@code file}, resuming a partial file with a range request and retrying an interrupted
     * transfer; the file is kept only if its size and SHA-256 match the descriptor.
     */
    public void downloadBlob(Descriptor d, Path file) throws IOException {
        String what = "blob " + d.digest();
        IOException last = null;
        for (int attempt = 0; attempt < RETRIES; attempt++) {
            long have = Files.exists(file) ? Files.size(file) : 0;
            if (have > d.size()) {
                Files.delete(file);
                have = 0;
            }
            if (have < d.size()) {
                HttpRequest.Builder req = HttpRequest.newBuilder(base.resolve("blobs/" + d.digest())).GET();
                if (have > 0) {
                    req.header("Range", "bytes=" + have + "-");
                }
                HttpResponse<InputStream> r = send(req, what, pullScope());
                boolean append = r.statusCode() == 206 && have > 0;
                if (r.statusCode() != 200 && !append) {
                    throw status(r, what);
                }
                try (InputStream in = r.body();
                     OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                             append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                    byte[] buf = new byte[1 << 16];
                    long total = append ? have : 0;
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        total += n;
                        if (total > d.size()) {
                            throw new IOException(where(what) + ": digest mismatch, more than the descriptor's " + d.size() + " bytes");
                        }
                        out.write(buf, 0, n);
                    }
                } catch (IOException e) {
                    if (e.getMessage() != null && e.getMessage().contains("digest mismatch")) {
                        Files.deleteIfExists(file);
                        throw e;
                    }
                    last = new IOException(where(what) + ": transfer interrupted: " + e.getMessage(), e);
                    continue;
                }
            }
            if (Files.size(file) < d.size()) {
                last = new IOException(where(what) + ": transfer ended after " + Files.size(file) + " of " + d.size() + " bytes");
                continue;
            }
            Digest actual = sha256(file);
            if (!actual.equals(d.digest())) {
                Files.delete(file);
                throw new IOException(where(what) + ": digest mismatch, the download hashes to " + actual);
            }
            return;
        }
        throw last;
    }

    static Digest sha256(Path file) throws IOException {
        MessageDigest md = Digest.newSha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return Digest.of(md);
    }

    /** A small blob (a configuration) read whole and verified. */
    public byte[] readBlob(Descriptor d, int limit) throws IOException, OstreeFormatException {
        String what = "blob " + d.digest();
        if (d.size() > limit) {
            throw new OstreeFormatException(where(what) + ": " + d.size() + " bytes is more than the limit of " + limit);
        }
        HttpResponse<InputStream> r = send(HttpRequest.newBuilder(base.resolve("blobs/" + d.digest())).GET(), what, pullScope());
        if (r.statusCode() != 200) {
            throw status(r, what);
        }
        byte[] b = readBounded(r, limit, what);
        if (b.length != d.size() || !Digest.of(b).equals(d.digest())) {
            throw new IOException(where(what) + ": digest mismatch");
        }
        return b;
    }

    // ------------------------------------------------------------------ writing

    public boolean hasBlob(Digest d) throws IOException {
        String what = "blob " + d;
        HttpResponse<InputStream> r = send(HttpRequest.newBuilder(base.resolve("blobs/" + d)).method("HEAD", HttpRequest.BodyPublishers.noBody()),
                what, pushScope());
        drain(r);
        if (r.statusCode() == 200) {
            return true;
        }
        if (r.statusCode() == 404) {
            return false;
        }
        throw new IOException(where(what) + ": HTTP " + r.statusCode());
    }

    /** Uploads a blob unless the registry has it; returns whether it was sent. Large blobs go in chunks. */
    public boolean pushBlob(Descriptor d, Path file) throws IOException {
        if (hasBlob(d.digest())) {
            return false;
        }
        String what = "blob upload " + d.digest();
        HttpResponse<InputStream> start = send(HttpRequest.newBuilder(base.resolve("blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()), what, pushScope());
        if (start.statusCode() != 202) {
            throw status(start, what);
        }
        drain(start);
        URI location = base.resolve(start.headers().firstValue("Location").orElseThrow(() -> new IOException(where(what) + ": no upload Location")));
        if (d.size() > chunkSize) {
            long offset = 0;
            while (offset < d.size()) {
                long len = Math.min(chunkSize, d.size() - offset);
                final long from = offset;
                HttpResponse<InputStream> r = send(HttpRequest.newBuilder(location)
                        .header("Content-Type", "application/octet-stream")
                        .header("Content-Range", from + "-" + (from + len - 1))
                        .method("PATCH", HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> slice(file, from, len)), len)),
                        what, pushScope());
                if (r.statusCode() != 202) {
                    throw status(r, what);
                }
                drain(r);
                location = base.resolve(r.headers().firstValue("Location").orElse(location.toString()));
                offset += len;
            }
            HttpResponse<InputStream> r = send(HttpRequest.newBuilder(withDigest(location, d.digest())).PUT(HttpRequest.BodyPublishers.noBody()),
                    what, pushScope());
            if (r.statusCode() != 201) {
                throw status(r, what);
            }
            drain(r);
        } else {
            HttpResponse<InputStream> r = send(HttpRequest.newBuilder(withDigest(location, d.digest()))
                    .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofFile(file)), what, pushScope());
            if (r.statusCode() != 201) {
                throw status(r, what);
            }
            drain(r);
        }
        return true;
    }

    private static InputStream slice(Path file, long from, long len) {
        try {
            InputStream in = Files.newInputStream(file);
            in.skipNBytes(from);
            return new java.io.FilterInputStream(in) {
                long left = len;

                @Override
                public int read() throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    left--;
                    return super.read();
                }

                @Override
                public int read(byte[] b, int off, int l) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int n = super.read(b, off, (int) Math.min(l, left));
                    if (n > 0) {
                        left -= n;
                    }
                    return n;
                }
            };
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static URI withDigest(URI location, Digest d) {
        String s = location.toString();
        return URI.create(s + (s.contains("?") ? "&" : "?") + "digest=" + URLEncoder.encode(d.toString(), StandardCharsets.UTF_8));
    }

    public void pushManifest(String reference, String mediaType, byte[] bytes) throws IOException {
        String what = "manifest " + reference;
        HttpResponse<InputStream> r = send(HttpRequest.newBuilder(base.resolve("manifests/" + reference)).header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)), what, pushScope());
        if (r.statusCode() != 201 && r.statusCode() != 200) {
            throw status(r, what);
        }
        drain(r);
    }

    public List<String> describe() {
        return List.of(host, repository);
    }
}
