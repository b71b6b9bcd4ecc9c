package org.aptostree.ostree.repo;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A remote as ostree keeps it in the repository config, group {@code [remote "NAME"]}: {@code url},
 * {@code gpg-verify} (default true), {@code gpg-verify-summary}, {@code gpgkeypath}, {@code branches}.
 */
public record Remote(String name, URI url, Map<String, String> options) {
    static String group(String name) {
        return "remote \"" + name + "\"";
    }

    public boolean gpgVerify() {
        return bool("gpg-verify", true);
    }

    public boolean gpgVerifySummary() {
        return bool("gpg-verify-summary", false);
    }

    private boolean bool(String key, boolean fallback) {
        String v = options.get(key);
        return v == null ? fallback : v.equals("true") || v.equals("1") || v.equals("yes");
    }

    /** Keyring files for verification: {@code gpgkeypath} entries and {@code <repo>/<name>.trustedkeys.gpg}. */
    public List<Path> keyringFiles(Repository repo) {
        List<Path> files = new ArrayList<>();
        Optional.ofNullable(options.get("gpgkeypath")).ifPresent(v -> {
            for (String p : v.split("[;,]")) {
                if (!p.isBlank()) {
                    files.add(Path.of(p.strip()));
                }
            }
        });
        Path imported = repo.path().resolve(name + ".trustedkeys.gpg");
        if (java.nio.file.Files.exists(imported)) {
            files.add(imported);
        }
        return files;
    }
}
