package org.aptostree.cli.ostree;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.Callable;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.ContentObject;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.repo.TreeEntry;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code ostree cat}: the files' contents; a symlink is followed inside the commit, as libostree's file reader does. */
@Command(name = "cat", mixinStandardHelpOptions = true, description = "Concatenate contents of files.")
final class CatCommand implements Callable<Integer> {
    /** libostree follows symlinks without a limit; a loop ends here instead of in a crash. */
    private static final int MAX_SYMLINKS = 40;

    @ParentCommand
    OstreeCommand repo;

    @Parameters(index = "0", paramLabel = "COMMIT")
    String rev;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "PATH")
    List<String> paths;

    @Override
    public Integer call() throws Exception {
        Repository r = repo.open();
        ObjectId commit = r.resolveRev(rev);
        for (String path : paths) {
            try {
                cat(r, commit, RepoFile.resolve(r, commit, path));
            } catch (RepoFile.NotFound e) {
                System.out.flush();
                throw new ExitCodeException(1, e.getMessage());
            }
        }
        System.out.flush();
        return 0;
    }

    private static void cat(Repository r, ObjectId commit, RepoFile file)
            throws IOException, OstreeFormatException, RepoFile.NotFound {
        RepoFile f = file;
        for (int hops = 0; hops <= MAX_SYMLINKS; hops++) {
            if (!(f.entry() instanceof TreeEntry.File content)) {
                throw new RepoFile.NotFound("Can't open directory");
            }
            try (ContentObject c = r.openContent(content.content())) {
                if (!c.header().isSymlink()) {
                    try (InputStream in = c.stream()) {
                        in.transferTo(System.out);
                    }
                    return;
                }
                f = RepoFile.resolve(r, commit, f.parent(), c.header().symlinkTarget());
            }
        }
        throw new RepoFile.NotFound("Too many levels of symbolic links: " + file.path());
    }
}
