package org.aptostree.daemon.compose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * remove-files runs in the private ComposeTree.postprocess; it is reached by reflection because the only other way
 * in is a whole compose. With no postprocess scripts and no units, postprocess runs no sandboxed process.
 */
class ComposeTreeRemoveFilesTest {

    @TempDir
    Path dir;

    private static Treefile treefile(List<String> removeFiles) {
        return new Treefile("r", Variant.NONE, List.of(), List.of(), false, "host", "amd64", Map.of(), removeFiles,
                List.of(), List.of(), null, "0".repeat(64));
    }

    private void postprocess(Treefile treefile, Path root, OwnershipTable owners) throws Exception {
        ComposeTree compose = new ComposeTree(new ComposeTree.Options(dir.resolve("tree.yaml"), dir.resolve("repo"),
                dir.resolve("cache"), dir.resolve("work"), true, false, null, null, Map.of()), ComposeProgress.QUIET);
        Method m = ComposeTree.class.getDeclaredMethod("postprocess", Treefile.class, Path.class, Sandbox.class, OwnershipTable.class);
        m.setAccessible(true);
        try {
            m.invoke(compose, treefile, root, new Sandbox(root, dir.resolve("run"), 0), owners);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw (Exception) e.getCause();
        }
    }

    @Test
    void removeFilesDeletesTheTreeAndItsOwners() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("usr/share/doc/bash"));
        Files.writeString(root.resolve("usr/share/doc/bash/README"), "x");
        OwnershipTable owners = new OwnershipTable();
        owners.set("/usr/share/doc/bash/README", 5, 5);
        postprocess(treefile(List.of("usr/share/doc")), root, owners);
        assertFalse(Files.exists(root.resolve("usr/share/doc")));
        assertTrue(Files.isDirectory(root.resolve("usr/share")));
        assertArrayEquals(new int[] {0, 0}, owners.owner("/usr/share/doc/bash/README"));
    }

    @Test
    void removeFilesKeepsTheOwnersOfSiblingsWithTheSamePrefix() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("usr/share/doc"));
        Files.createDirectories(root.resolve("usr/share/doc-base"));
        Files.writeString(root.resolve("usr/share/doc-base/entry"), "x");
        OwnershipTable owners = new OwnershipTable();
        owners.set("/usr/share/doc-base/entry", 5, 6);
        postprocess(treefile(List.of("usr/share/doc")), root, owners);
        assertTrue(Files.exists(root.resolve("usr/share/doc-base/entry")));
        assertArrayEquals(new int[] {5, 6}, owners.owner("/usr/share/doc-base/entry"));
    }
}
