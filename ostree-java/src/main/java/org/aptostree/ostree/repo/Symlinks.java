package org.aptostree.ostree.repo;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes symlinks with their target exactly as stored. The JDK normalizes a target it is given as a path
 * ({@code a//b} becomes {@code a/b}, a final slash goes), which would change the object's checksum in a bare
 * repository and the checkout's listing; such targets, rare, are made by {@code ln -s}.
 */
final class Symlinks {
    private Symlinks() {
    }

    static void create(Path link, String target) throws IOException {
        Path asPath = Path.of(target);
        if (asPath.toString().equals(target)) {
            Files.createSymbolicLink(link, asPath);
            return;
        }
        Process ln = new ProcessBuilder("ln", "-s", "--", target, link.toString()).redirectErrorStream(true).start();
        String out = new String(ln.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (ln.waitFor() != 0) {
                throw new IOException("cannot make symlink " + link + " -> " + target + ": " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("making symlink " + link);
        }
    }
}
