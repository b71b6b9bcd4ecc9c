package org.aptostree.ostree.oci;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.aptostree.ostree.OstreeFormatException;

/**
 * Registry credentials from auth.json files in the containers convention ({@code {"auths": {"host": {"auth":
 * base64(user:password)}}}}): an explicit file, else {@code /etc/apt-ostree/auth.json}, {@code $REGISTRY_AUTH_FILE},
 * {@code $XDG_RUNTIME_DIR/containers/auth.json}, {@code ~/.config/containers/auth.json}, {@code ~/.docker/config.json}.
 * The secret is never part of a message or of {@link #toString}.
 */
public final class RegistryCredentials {
    private final String user;
    private final String password;

    private RegistryCredentials(String user, String password) {
        this.user = user;
        this.password = password;
    }

    public static RegistryCredentials of(String user, String password) {
        return new RegistryCredentials(user, password);
    }

    public String basicHeader() {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public String user() {
        return user;
    }

    @Override
    public String toString() {
        return "credentials of " + user;
    }

    /** The files looked in, in order: {@code explicit} alone when given. */
    public static List<Path> searchPath(Path explicit) {
        List<Path> out = new ArrayList<>();
        if (explicit != null) {
            out.add(explicit);
            return out;
        }
        out.add(Path.of("/etc/apt-ostree/auth.json"));
        String env = System.getenv("REGISTRY_AUTH_FILE");
        if (env != null && !env.isEmpty()) {
            out.add(Path.of(env));
        }
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isEmpty()) {
            out.add(Path.of(runtime, "containers/auth.json"));
        }
        String home = System.getProperty("user.home");
        out.add(Path.of(home, ".config/containers/auth.json"));
        out.add(Path.of(home, ".docker/config.json"));
        return out;
    }

    /** The credentials for {@code host} (or {@code host/namespace…} entries that match the repository). */
    public static Optional<RegistryCredentials> lookup(List<Path> files, String host, String repository) throws IOException, OstreeFormatException {
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                continue;
            }
            ObjectNode root = OciJson.parseObject(Files.readAllBytes(f), 1 << 20, "auth file " + f);
            JsonNode auths = root.get("auths");
            if (auths == null || !auths.isObject()) {
                continue;
            }
            String best = null;
            for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext();) {
                String key = it.next().getKey();
                String k = key.replaceFirst("^https?://", "").replaceFirst("/v[12]/?$", "");
                String full = host + "/" + repository;
                if (k.equals(host) || full.equals(k) || full.startsWith(k + "/")) {
                    if (best == null || k.length() > best.replaceFirst("^https?://", "").length()) {
                        best = key;
                    }
                }
            }
            if (best == null) {
                continue;
            }
            JsonNode auth = auths.get(best).get("auth");
            if (auth == null || !auth.isTextual()) {
                continue;
            }
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.textValue()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new OstreeFormatException("auth file " + f + ": the entry for " + best + " is not base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new OstreeFormatException("auth file " + f + ": the entry for " + best + " is not user:password");
            }
            return Optional.of(new RegistryCredentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
        }
        return Optional.empty();
    }
}
