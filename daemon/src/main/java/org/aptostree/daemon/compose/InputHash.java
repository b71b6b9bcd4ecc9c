package org.aptostree.daemon.compose;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What a compose's result depends on: the treefile and the exact packages (name, version, architecture,
 * SHA-256), hashed with SHA-256. The same value means the same tree, so a compose whose input hash equals
 * the ref's current commit's {@code aptostree.inputhash} has nothing to commit (rpm-ostree's rule).
 */
final class InputHash {
    private InputHash() {
    }

    static String of(String treefileDigest, List<LockedPackage> packages) {
        StringBuilder text = new StringBuilder("treefile ").append(treefileDigest).append('\n');
        packages.stream().map(p -> p.name() + " " + p.version() + " " + p.architecture() + " " + p.sha256() + "\n")
                .sorted().forEach(text::append);
        return sha256Hex(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
