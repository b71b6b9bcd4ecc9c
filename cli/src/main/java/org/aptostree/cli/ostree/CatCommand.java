package org.aptostree.cli.ostree;

import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.concurrent.Callable;

import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.ContentObject;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.repo.TreeEntry;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

@Command(name = "cat", mixinStandardHelpOptions = true, description = "Concatenate contents of files.")
final class CatCommand implements Callable<Integer> {
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
            TreeEntry e = r.lookup(commit, path).orElseThrow(() -> new NoSuchFileException(path));
            if (!(e instanceof TreeEntry.File f)) {
                throw new IllegalArgumentException(path + " is a directory");
            }
            try (ContentObject c = r.openContent(f.content()); InputStream in = c.stream()) {
                in.transferTo(System.out);
            }
        }
        System.out.flush();
        return 0;
    }
}
