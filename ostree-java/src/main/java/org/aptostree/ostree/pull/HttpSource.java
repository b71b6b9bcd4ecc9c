package org.aptostree.ostree.pull;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.FileHeader;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectName;
import org.aptostree.ostree.object.ObjectType;
import org.aptostree.ostree.repo.ContentObject;
import org.aptostree.ostree.repo.NoSuchObjectException;

/**
 * An archive-mode repository served over HTTP(S), read as libostree's fetcher does: {@code summary},
 * {@code refs/heads/<ref>}, {@code objects/XX/<rest>.<type>} with {@code .filez} for content.
 */
public final class HttpSource implements ObjectSource {
    /** libostree's {@code OSTREE_MAX_METADATA_SIZE}. */
    private static final long MAX_METADATA = 128L * 1024 * 1024;

    private final URI base;
    private final HttpClient client;

    public HttpSource(URI url) {
        String s = url.toString();
        this.base = URI.create(s.endsWith("/") ? s : s + "/");
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
    }

    private static String objectPath(ObjectId id, String ext) {
        String hex = id.hex();
        return "objects/" + hex.substring(0, 2) + "/" + hex.substring(2) + "." + ext;
    }

    /** GETs a path; empty on 404, the body stream otherwise. */
    private Optional<InputStream> get(String path) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(5)).GET().build();
        HttpResponse<InputStream> resp;
        try {
            resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + req.uri(), e);
        }
        int status = resp.statusCode();
        if (status == 404 || status == 410) {
            resp.body().close();
            return Optional.empty();
        }
        if (status != 200) {
            resp.body().close();
            throw new IOException("Server returned HTTP " + status + " for " + req.uri());
        }
        return Optional.of(resp.body());
    }

    private Optional<byte[]> getBytes(String path) throws IOException {
        Optional<InputStream> in = get(path);
        if (in.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream s = in.get()) {
            byte[] data = s.readNBytes((int) MAX_METADATA + 1);
            if (data.length > MAX_METADATA) {
                throw new IOException(base.resolve(path) + " exceeds the maximum metadata size of " + MAX_METADATA + " bytes");
            }
            return Optional.of(data);
        }
    }

    @Override
    public Optional<byte[]> summary() throws IOException {
        return getBytes("summary");
    }

    @Override
    public Optional<byte[]> summarySignatures() throws IOException {
        return getBytes("summary.sig");
    }

    @Override
    public Optional<ObjectId> ref(String ref) throws IOException {
        Optional<byte[]> body = getBytes("refs/heads/" + ref);
        if (body.isEmpty()) {
            return Optional.empty();
        }
        String text = new String(body.get(), StandardCharsets.US_ASCII).strip();
        if (!ObjectId.isValidHex(text)) {
            throw new IOException("Invalid checksum in ref " + ref + " from " + base);
        }
        return Optional.of(ObjectId.fromHex(text));
    }

    @Override
    public byte[] metadata(ObjectId id, ObjectType type) throws IOException {
        return getBytes(objectPath(id, type.extension()))
                .orElseThrow(() -> new NoSuchObjectException(new ObjectName(id, type)));
    }

    @Override
    public Optional<byte[]> detachedMetadata(ObjectId commit) throws IOException {
        return getBytes(objectPath(commit, ObjectType.COMMIT_META.extension()));
    }

    @Override
    public ContentObject content(ObjectId id) throws IOException, OstreeFormatException {
        InputStream in = new BufferedInputStream(get(objectPath(id, "filez"))
                .orElseThrow(() -> new NoSuchObjectException(new ObjectName(id, ObjectType.FILE))), 64 * 1024);
        try {
            FileHeader.Archived a = FileHeader.readArchiveHeader(in);
            InputStream content = a.header().isSymlink() ? InputStream.nullInputStream()
                    : FileHeader.inflateArchiveContent(in);
            return new ContentObject(a.header(), a.size(), content);
        } catch (IOException | OstreeFormatException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    @Override
    public int parallelism() {
        return 8;
    }
}
