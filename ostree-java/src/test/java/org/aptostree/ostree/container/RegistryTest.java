package org.aptostree.ostree.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.oci.Digest;
import org.aptostree.ostree.oci.ImageManifest;
import org.aptostree.ostree.oci.ImageReference;
import org.aptostree.ostree.oci.LocalImageSource;
import org.aptostree.ostree.oci.RegistryClient;
import org.aptostree.ostree.oci.RegistryCredentials;
import org.aptostree.ostree.oci.RegistryImageSource;
import org.aptostree.ostree.repo.RepoMode;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry client against Debian's docker-registry on loopback, with and without token auth (a token server
 * written here, signing RS256 JWTs with a key the registry trusts), and against skopeo in both directions.
 */
class RegistryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    private static Encapsulator.RegistryPush pusher(Path authfile) {
        return (layout, manifest, dest) -> {
            RegistryClient.Reference ref = RegistryClient.Reference.parse(dest.name());
            return RegistryImageSource.push(RegistryClient.forReference(ref, authfile, false), ref, layout, manifest);
        };
    }

    private static ObjectId pull(Repository repo, String image, Path authfile) throws Exception {
        RegistryClient.Reference ref = RegistryClient.Reference.parse(image);
        try (RegistryImageSource src = new RegistryImageSource(RegistryClient.forReference(ref, authfile, false), ref, 2)) {
            return ImageImporter.unencapsulate(repo, src).commit();
        }
    }

    @Test
    void pushAndPullWithSkopeoBothWaysAround() throws Exception {
        Requirements.tools("skopeo");
        Repository source = Repository.init(dir.resolve("source"), RepoMode.ARCHIVE);
        ObjectId commit = SampleCommits.commit(source, "sample", 0, true);
        Encapsulator.Options opts = Encapsulator.Options.defaults().withContentMeta(SampleCommits.contentMeta());
        try (LocalRegistry reg = LocalRegistry.start(dir.resolve("reg"), "")) {
            String image = reg.host() + "/test/sample:v0";
            Digest pushed = Encapsulator.encapsulate(source, "sample", ImageReference.parse("docker://" + image), opts, pusher(null));
            JsonNode inspect = JSON.readTree(ExternalCommand.run("skopeo", "inspect", "--tls-verify=false", "docker://" + image));
            assertEquals(pushed.toString(), inspect.get("Digest").textValue());
            assertEquals(commit.hex(), inspect.get("Labels").get("ostree.commit").textValue());
            assertEquals(commit, pull(Repository.init(dir.resolve("r1"), RepoMode.ARCHIVE), image, null));

            // skopeo pulls what we pushed; we import its copy.
            ExternalCommand.run("skopeo", "copy", "--src-tls-verify=false", "docker://" + image, "oci:" + dir.resolve("copied") + ":x");
            Repository r2 = Repository.init(dir.resolve("r2"), RepoMode.ARCHIVE);
            try (LocalImageSource s = LocalImageSource.open(ImageReference.parse("oci:" + dir.resolve("copied") + ":x"), dir.resolve("tmp"))) {
                assertEquals(commit, ImageImporter.unencapsulate(r2, s).commit());
            }
            // skopeo pushes our oci directory; we pull it from the registry.
            Encapsulator.encapsulate(source, "sample", ImageReference.parse("oci:" + dir.resolve("ours") + ":y"), opts, null);
            ExternalCommand.run("skopeo", "copy", "--dest-tls-verify=false", "oci:" + dir.resolve("ours") + ":y", "docker://" + reg.host() + "/test/byskopeo:y");
            assertEquals(commit, pull(Repository.init(dir.resolve("r3"), RepoMode.ARCHIVE), reg.host() + "/test/byskopeo:y", null));
        }
    }

    @Test
    void aOnePackageChangeUploadsOnlyTheChangedLayers() throws Exception {
        Repository source = Repository.init(dir.resolve("source"), RepoMode.ARCHIVE);
        SampleCommits.commit(source, "sample", 0, false);
        Encapsulator.Options opts = Encapsulator.Options.defaults().withContentMeta(SampleCommits.contentMeta());
        try (LocalRegistry reg = LocalRegistry.start(dir.resolve("reg"), "")) {
            String image = reg.host() + "/test/update";
            Encapsulator.encapsulate(source, "sample", ImageReference.parse("docker://" + image + ":v0"), opts, pusher(null));
            List<String> before = reg.blobs();
            RegistryClient.Reference ref = RegistryClient.Reference.parse(image + ":v0");
            RegistryClient client = RegistryClient.forReference(ref, null, false);
            ImageManifest prior = ImageManifest.parse(client.manifest("v0").bytes());
            SampleCommits.commit(source, "sample", 1, false);
            // A small chunk size makes the larger layers go up in several PATCH requests.
            Encapsulator.encapsulate(source, "sample", ImageReference.parse("docker://" + image + ":v1"), opts.withPriorBuild(prior), (layout, manifest, dest) -> {
                RegistryClient.Reference r = RegistryClient.Reference.parse(dest.name());
                RegistryClient c = RegistryClient.forReference(r, null, false);
                c.chunkSize(64 * 1024);
                return RegistryImageSource.push(c, r, layout, manifest);
            });
            List<String> added = new ArrayList<>(reg.blobs());
            added.removeAll(before);
            // the commit layer, the betasrc layer, the unpackaged layer (dpkg status), the config and the manifest
            assertEquals(5, added.size(), "new blobs in the registry: " + added);
            assertEquals(SampleCommits.commit(source, "sample", 1, false),
                    pull(Repository.init(dir.resolve("r"), RepoMode.ARCHIVE), image + ":v1", null));
        }
    }

    @Test
    void tokenAuthWithCredentialsFromAnAuthFile() throws Exception {
        // A key and self-signed certificate for the token server, which the registry trusts.
        Path ks = dir.resolve("token.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        ExternalCommand.run(keytool, "-genkeypair", "-alias", "token", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=token",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        PrivateKey key = (PrivateKey) store.getKey("token", "changeit".toCharArray());
        Certificate cert = store.getCertificate("token");
        Path pem = dir.resolve("token.pem");
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(cert.getEncoded()) + "\n-----END CERTIFICATE-----\n");
        String x5c = Base64.getEncoder().encodeToString(cert.getEncoded());

        HttpServer tokens = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        List<String> asked = new ArrayList<>();
        tokens.createContext("/token", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String expected = "Basic " + Base64.getEncoder().encodeToString("builder:s3cret".getBytes(StandardCharsets.UTF_8));
            String query = ex.getRequestURI().getRawQuery();
            asked.add(query);
            if (!expected.equals(auth)) {
                ex.sendResponseHeaders(401, -1);
                ex.close();
                return;
            }
            String scope = java.net.URLDecoder.decode(query.replaceAll(".*scope=([^&]*).*", "$1"), StandardCharsets.UTF_8);
            String[] parts = scope.split(":");
            long now = System.currentTimeMillis() / 1000;
            String header = b64url("{\"typ\":\"JWT\",\"alg\":\"RS256\",\"x5c\":[\"" + x5c + "\"]}");
            String claims = b64url("{\"iss\":\"test-issuer\",\"sub\":\"builder\",\"aud\":\"test-registry\",\"exp\":" + (now + 600) + ",\"nbf\":"
                    + (now - 60) + ",\"iat\":" + now + ",\"jti\":\"" + UUID.randomUUID() + "\",\"access\":[{\"type\":\"repository\",\"name\":\""
                    + parts[1] + "\",\"actions\":[\"pull\",\"push\"]}]}");
            try {
                Signature s = Signature.getInstance("SHA256withRSA");
                s.initSign(key);
                s.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
                String jwt = header + "." + claims + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign());
                byte[] body = ("{\"token\":\"" + jwt + "\",\"expires_in\":600}").getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(body);
                }
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException(e);
            }
        });
        tokens.start();
        try (LocalRegistry reg = LocalRegistry.start(dir.resolve("reg"), "auth:\n  token:\n    realm: http://127.0.0.1:" + tokens.getAddress().getPort()
                + "/token\n    service: test-registry\n    issuer: test-issuer\n    rootcertbundle: " + pem + "\n")) {
            Path authfile = dir.resolve("auth.json");
            Files.writeString(authfile, "{\"auths\":{\"" + reg.host() + "\":{\"auth\":\""
                    + Base64.getEncoder().encodeToString("builder:s3cret".getBytes(StandardCharsets.UTF_8)) + "\"}}}");
            Repository source = Repository.init(dir.resolve("source"), RepoMode.ARCHIVE);
            ObjectId commit = SampleCommits.commit(source, "sample", 0, true);
            String image = reg.host() + "/private/sample:v0";
            Encapsulator.encapsulate(source, "sample", ImageReference.parse("docker://" + image), Encapsulator.Options.defaults(), pusher(authfile));
            assertTrue(asked.stream().anyMatch(q -> q.contains("service=test-registry") && q.contains("private%2Fsample")), asked.toString());
            assertEquals(commit, pull(Repository.init(dir.resolve("r"), RepoMode.ARCHIVE), image, authfile));

            Path wrong = dir.resolve("wrong.json");
            Files.writeString(wrong, "{\"auths\":{\"" + reg.host() + "\":{\"auth\":\""
                    + Base64.getEncoder().encodeToString("builder:wrong".getBytes(StandardCharsets.UTF_8)) + "\"}}}");
            IOException e = assertThrows(IOException.class, () -> pull(Repository.init(dir.resolve("r2"), RepoMode.ARCHIVE), image, wrong));
            assertTrue(e.getMessage().contains("registry " + reg.host()) && e.getMessage().contains("HTTP 401"), e.getMessage());
            assertFalse(e.getMessage().contains("wrong") || e.getMessage().contains("s3cret"), "no secret in messages: " + e.getMessage());
            Optional<RegistryCredentials> none = RegistryCredentials.lookup(List.of(authfile), "other.example", "x");
            assertTrue(none.isEmpty());
        } finally {
            tokens.stop(0);
        }
    }

    private static String b64url(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
