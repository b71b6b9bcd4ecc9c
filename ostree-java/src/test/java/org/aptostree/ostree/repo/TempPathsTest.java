package org.aptostree.ostree.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TempPathsTest {
    @TempDir
    Path dir;

    @Test
    void directoriesAndFilesAreNewPrivateAndDistinct() throws IOException {
        Set<Path> made = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            Path d = TempPaths.createDirectory(dir, "tree-");
            Path f = TempPaths.createFile(dir, ".stamp-", ".tmp");
            assertTrue(made.add(d) && made.add(f), d + " or " + f + " was made twice");
            assertTrue(Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS) && Files.list(d).findAny().isEmpty());
            assertTrue(Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && Files.size(f) == 0);
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
            assertTrue(d.getFileName().toString().startsWith("tree-" + ProcessHandle.current().pid() + "-"), d.toString());
            assertTrue(f.getFileName().toString().startsWith(".stamp-") && f.getFileName().toString().endsWith(".tmp"));
            assertEquals(dir, d.getParent());
        }
    }

    /** A name left by another process with the same pid is passed over, and what it holds is not touched. */
    @Test
    void takenNamesArePassedOver() throws IOException {
        long number = number(TempPaths.createFile(dir, "x-", ""));
        String pid = ProcessHandle.current().pid() + "-";
        for (long n = number + 1; n <= number + 5; n++) {
            Files.writeString(dir.resolve("x-" + pid + n), "kept " + n);
        }
        Path file = TempPaths.createFile(dir, "x-", "");
        assertTrue(number(file) > number + 5, file.toString());
        assertEquals(0, Files.size(file));
        for (long n = number + 1; n <= number + 5; n++) {
            assertEquals("kept " + n, Files.readString(dir.resolve("x-" + pid + n), StandardCharsets.UTF_8));
        }

        number = number(file);
        for (long n = number + 1; n <= number + 5; n++) {
            Files.writeString(Files.createDirectory(dir.resolve("d-" + pid + n)).resolve("f"), "kept " + n);
        }
        Path directory = TempPaths.createDirectory(dir, "d-");
        assertTrue(number(directory) > number + 5, directory.toString());
        assertTrue(Files.list(directory).findAny().isEmpty());
        for (long n = number + 1; n <= number + 5; n++) {
            assertEquals("kept " + n, Files.readString(dir.resolve("d-" + pid + n + "/f"), StandardCharsets.UTF_8));
        }
    }

    private static long number(Path made) {
        String name = made.getFileName().toString();
        return Long.parseLong(name.substring(name.lastIndexOf('-') + 1));
    }

    @Test
    void concurrentCallersGetDistinctPaths() {
        Set<Path> made = ConcurrentHashMap.newKeySet();
        IntStream.range(0, 400).parallel().forEach(i -> {
            try {
                assertTrue(made.add(i % 2 == 0 ? TempPaths.createDirectory(dir, "c-") : TempPaths.createFile(dir, "c-", "")));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertEquals(400, made.size());
    }
}
