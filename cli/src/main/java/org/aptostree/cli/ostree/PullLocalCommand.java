package org.aptostree.cli.ostree;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.aptostree.openpgp.Keyring;
import org.aptostree.ostree.pull.LocalSource;
import org.aptostree.ostree.pull.Puller;
import org.aptostree.ostree.repo.Repository;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "pull-local", mixinStandardHelpOptions = true, description = "Copy data from SRC_REPO.")
final class PullLocalCommand implements Callable<Integer> {
    @ParentCommand
    OstreeCommand repo;

    @Option(names = "--remote", description = "Add REMOTE to refspec")
    String remote;

    @Option(names = "--depth", description = "Traverse DEPTH parents (-1=infinite) (default: 0)")
    int depth;

    @Option(names = "--gpg-verify", description = "GPG verify commits with the given remote's keyring (needs --remote)")
    boolean gpgVerify;

    @Parameters(index = "0", paramLabel = "SRC_REPO")
    Path source;

    @Parameters(index = "1..*", paramLabel = "REF")
    List<String> refs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Repository dest = repo.open();
        Repository src = Repository.open(source);
        List<String> wanted = refs.isEmpty() ? new ArrayList<>(src.refs().listLocal().keySet()) : refs;
        try (LocalSource s = new LocalSource(src)) {
            Puller puller = new Puller(dest, s).depth(depth).progress(PullCommand.Progress.forTerminal());
            if (gpgVerify) {
                if (remote == null) {
                    throw new IllegalArgumentException("--gpg-verify needs --remote");
                }
                var rem = dest.remote(remote).orElseThrow(() -> new IllegalArgumentException("Remote \"" + remote + "\" not found"));
                puller.verifyWith(Keyring.load(rem.keyringFiles(dest)));
            }
            puller.pull(wanted, ref -> remote == null ? ref : remote + ":" + ref);
            PullCommand.Progress.done();
        }
        return 0;
    }
}
