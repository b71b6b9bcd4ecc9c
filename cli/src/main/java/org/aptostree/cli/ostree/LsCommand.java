package org.aptostree.cli.ostree;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.aptostree.ostree.object.DirMeta;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.FileMode;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.ContentObject;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.repo.TreeEntry;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ls", mixinStandardHelpOptions = true, description = "List file paths.")
final class LsCommand implements Callable<Integer> {
    @ParentCommand
    OstreeCommand repo;

    @Option(names = {"-R", "--recursive"}, description = "Print directories recursively")
    boolean recursive;

    @Option(names = {"-d", "--dironly"}, description = "Only print directories")
    boolean dirOnly;

    @Option(names = {"-C", "--checksum"}, description = "Print checksum")
    boolean checksum;

    @Parameters(index = "0", paramLabel = "COMMIT")
    String rev;

    @Parameters(index = "1..*", paramLabel = "PATH")
    List<String> paths = new ArrayList<>();

    private Repository r;
    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        r = repo.open();
        ObjectId commit = r.resolveRev(rev);
        for (String path : paths.isEmpty() ? List.of("/") : paths) {
            String abs = path.startsWith("/") ? path : "/" + path;
            TreeEntry e = r.lookup(commit, abs)
                    .orElseThrow(() -> new java.nio.file.NoSuchFileException(abs));
            if (e instanceof TreeEntry.Dir d) {
                printDir(abs, d);
                if (!dirOnly) {
                    listChildren(abs, d, recursive ? -1 : 1);
                }
            } else {
                printFile(abs, ((TreeEntry.File) e).content());
            }
        }
        out.flush();
        return 0;
    }

    private void listChildren(String path, TreeEntry.Dir dir, int depth) throws Exception {
        DirTree t = r.readDirTree(dir.tree());
        // ostree lists files and directories together in name order.
        List<Object[]> entries = new ArrayList<>();
        for (DirTree.FileEntry f : t.files()) {
            entries.add(new Object[] {f.name(), f});
        }
        for (DirTree.DirEntry d : t.dirs()) {
            entries.add(new Object[] {d.name(), d});
        }
        entries.sort((a, b) -> java.util.Arrays.compareUnsigned(((String) a[0]).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                ((String) b[0]).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        for (Object[] e : entries) {
            String child = (path.equals("/") ? "" : path) + "/" + e[0];
            if (e[1] instanceof DirTree.DirEntry d) {
                TreeEntry.Dir sub = new TreeEntry.Dir(d.tree(), d.meta());
                printDir(child, sub);
                if (depth != 1) {
                    listChildren(child, sub, depth - 1);
                }
            } else if (!dirOnly) {
                printFile(child, ((DirTree.FileEntry) e[1]).content());
            }
        }
    }

    private void printDir(String path, TreeEntry.Dir d) throws Exception {
        DirMeta m = r.readDirMeta(d.meta());
        String sums = checksum ? d.tree() + " " + d.meta() + " " : "";
        out.printf("d0%04o %d %d %6d %s%s%n", m.mode() & ~FileMode.S_IFMT, m.uid(), m.gid(), 0, sums, path);
    }

    private void printFile(String path, ObjectId id) throws Exception {
        try (ContentObject c = r.openContent(id)) {
            var h = c.header();
            char type = h.isSymlink() ? 'l' : '-';
            String sums = checksum ? id + " " : "";
            String link = h.isSymlink() ? " -> " + h.symlinkTarget() : "";
            out.printf("%c0%04o %d %d %6d %s%s%s%n", type, h.mode() & ~FileMode.S_IFMT, h.uid(), h.gid(), c.size(), sums, path, link);
        }
    }
}
