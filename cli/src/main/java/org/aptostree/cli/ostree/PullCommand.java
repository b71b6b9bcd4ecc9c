package org.aptostree.cli.ostree;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.aptostree.openpgp.Keyring;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.pull.HttpSource;
import org.aptostree.ostree.pull.LocalSource;
import org.aptostree.ostree.pull.ObjectSource;
import org.aptostree.ostree.pull.PullProgress;
import org.aptostree.ostree.pull.Puller;
import org.aptostree.ostree.repo.Remote;
import org.aptostree.ostree.repo.Repository;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "pull", mixinStandardHelpOptions = true, description = "Download data from a remote repository.")
final class PullCommand implements Callable<Integer> {
    @ParentCommand
    OstreeCommand repo;

    @Option(names = "--depth", description = "Traverse DEPTH parents (-1=infinite) (default: 0)")
    int depth;

    @Parameters(index = "0", paramLabel = "REMOTE")
    String remoteName;

    @Parameters(index = "1..*", paramLabel = "BRANCH")
    List<String> branches = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Repository r = repo.open();
        String name = remoteName;
        List<String> refs = new ArrayList<>(branches);
        int colon = name.indexOf(':');
        if (colon >= 0) {
            refs.add(0, name.substring(colon + 1));
            name = name.substring(0, colon);
        }
        final String remoteId = name;
        Remote remote = r.remote(remoteId).orElseThrow(() -> new IllegalArgumentException("Remote \"" + remoteId + "\" not found"));
        if (refs.isEmpty()) {
            String configured = remote.options().getOrDefault("branches", "");
            for (String b : configured.split(";")) {
                if (!b.isBlank()) {
                    refs.add(b);
                }
            }
        }
        if (refs.isEmpty()) {
            throw new IllegalArgumentException("No refs specified and no branches configured for remote " + remoteId);
        }
        String scheme = remote.url().getScheme();
        try (ObjectSource source = "file".equals(scheme)
                ? new LocalSource(Repository.open(java.nio.file.Path.of(remote.url())))
                : new HttpSource(remote.url())) {
            Puller puller = new Puller(r, source).depth(depth).progress(Progress.forTerminal());
            if (remote.gpgVerify()) {
                puller.verifyWith(Keyring.load(remote.keyringFiles(r)));
            }
            Map<String, ObjectId> pulled = puller.pull(refs, ref -> remoteId + ":" + ref);
            Progress.done();
            if (System.console() != null) {
                System.out.println("Fetched " + pulled.size() + " ref" + (pulled.size() == 1 ? "" : "s"));
            }
        }
        return 0;
    }

    /** Progress on stderr when it is a terminal, quiet otherwise. */
    static final class Progress {
        private Progress() {
        }

        static PullProgress forTerminal() {
            if (System.console() == null) {
                return PullProgress.NONE;
            }
            return (fetched, needed, bytes) -> System.err.printf("\rReceiving objects: %d/%d, %.1f MB", fetched, needed, bytes / 1e6);
        }

        static void done() {
            if (System.console() != null) {
                System.err.println();
            }
        }
    }
}
