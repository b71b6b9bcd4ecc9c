package org.aptostree.cli.ostree;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.DirMeta;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.FileHeader;
import org.aptostree.ostree.object.FileMode;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.Xattr;
import org.aptostree.ostree.repo.ContentObject;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.repo.TreeEntry;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ostree ls}: each argument, then (unless {@code -d}) its children, or with {@code -R} its whole subtree, in
 * the order of the dirtrees: a directory's files first, then each subdirectory followed by what is under it.
 */
@Command(name = "ls", mixinStandardHelpOptions = true, description = "List file paths.")
final class LsCommand implements Callable<Integer> {
    @ParentCommand
    OstreeCommand repo;

    @Option(names = {"-d", "--dironly"}, description = "Do not recurse into directory arguments")
    boolean dirOnly;

    @Option(names = {"-R", "--recursive"}, description = "Print directories recursively")
    boolean recursive;

    @Option(names = {"-C", "--checksum"}, description = "Print checksum")
    boolean checksum;

    @Option(names = {"-X", "--xattrs"}, description = "Print extended attributes")
    boolean xattrs;

    @Option(names = "--nul-filenames-only", description = "Print only filenames, NUL separated")
    boolean nulFilenamesOnly;

    @Parameters(index = "0", paramLabel = "COMMIT")
    String rev;

    @Parameters(index = "1..*", paramLabel = "PATH")
    List<String> paths = new ArrayList<>();

    private Repository r;
    private OutputStream out;

    @Override
    public Integer call() throws Exception {
        r = repo.open();
        ObjectId commit = r.resolveRev(rev);
        out = new BufferedOutputStream(System.out, 64 * 1024);
        try {
            for (String path : paths.isEmpty() ? List.of("/") : paths) {
                RepoFile f;
                try {
                    f = RepoFile.resolve(r, commit, path);
                } catch (RepoFile.NotFound e) {
                    out.flush();
                    // ostree prefixes only the arguments given; the default "/" always exists.
                    throw new ExitCodeException(1, "Inspecting path '" + path + "': " + e.getMessage());
                }
                print(f);
                if (f.entry() instanceof TreeEntry.Dir && (recursive || !dirOnly)) {
                    listChildren(f, recursive);
                }
            }
        } finally {
            out.flush();
        }
        return 0;
    }

    private void listChildren(RepoFile dir, boolean deep) throws IOException, OstreeFormatException {
        DirTree t = r.readDirTree(((TreeEntry.Dir) dir.entry()).tree());
        for (DirTree.FileEntry f : t.files()) {
            print(dir.child(f.name(), new TreeEntry.File(f.content())));
        }
        for (DirTree.DirEntry d : t.dirs()) {
            RepoFile sub = dir.child(d.name(), new TreeEntry.Dir(d.tree(), d.meta()));
            print(sub);
            if (deep) {
                listChildren(sub, true);
            }
        }
    }

    private void print(RepoFile f) throws IOException, OstreeFormatException {
        if (nulFilenamesOnly) {
            out.write(f.path().getBytes(StandardCharsets.UTF_8));
            out.write(0);
            return;
        }
        StringBuilder line = new StringBuilder();
        if (f.entry() instanceof TreeEntry.Dir d) {
            DirMeta m = r.readDirMeta(d.meta());
            line.append(String.format("d0%04o %d %d %6d ", m.mode() & ~FileMode.S_IFMT,
                    Integer.toUnsignedLong(m.uid()), Integer.toUnsignedLong(m.gid()), 0));
            if (checksum) {
                line.append(d.tree()).append(' ').append(d.meta()).append(' ');
            }
            appendXattrs(line, m.xattrs());
            line.append(f.path());
        } else {
            ObjectId id = ((TreeEntry.File) f.entry()).content();
            FileHeader h;
            long size;
            try (ContentObject c = r.openContent(id)) {
                h = c.header();
                size = c.size();
            }
            line.append(String.format("%c0%04o %d %d %6d ", h.isSymlink() ? 'l' : '-', h.mode() & ~FileMode.S_IFMT,
                    Integer.toUnsignedLong(h.uid()), Integer.toUnsignedLong(h.gid()), size));
            if (checksum) {
                line.append(id).append(' ');
            }
            appendXattrs(line, h.xattrs());
            line.append(f.path());
            if (h.isSymlink()) {
                line.append(" -> ").append(h.symlinkTarget());
            }
        }
        line.append('\n');
        out.write(line.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void appendXattrs(StringBuilder line, List<Xattr> list) {
        if (xattrs) {
            line.append("{ ").append(Xattr.variant(list)).append(" } ");
        }
    }
}
