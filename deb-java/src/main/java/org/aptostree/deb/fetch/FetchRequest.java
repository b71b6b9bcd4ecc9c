package org.aptostree.deb.fetch;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * One file to fetch, identified by its expected size and SHA-256 (from a verified Release or
 * Packages index), so that the cache can be keyed by content and every byte checked before use.
 *
 * @param uri    {@code http:}, {@code https:}, {@code file:} or {@code copy:} URI
 * @param size   expected size in bytes
 * @param sha256 expected SHA-256, hex
 */
public record FetchRequest(URI uri, long size, String sha256) {
    /** Checks the hash looks like SHA-256 and normalises it to lower case. */
    public FetchRequest {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(sha256, "sha256");
        sha256 = sha256.toLowerCase(Locale.ROOT);
        if (sha256.length() != 64 || !sha256.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("not a SHA-256: " + sha256);
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative size");
        }
    }
}
