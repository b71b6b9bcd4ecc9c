package org.aptostree.testkit;

import java.net.URI;
import java.nio.file.Path;

/** Run in a child JVM by {@link MirrorCacheTest}: fills (or verifies) a cache from a source and prints its root. */
public final class FillCache {
    private FillCache() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println(new MirrorCache(Path.of(args[0]), URI.create(args[1]), Path.of(args[2])).get());
    }
}
