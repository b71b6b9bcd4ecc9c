package org.aptostree.ostree.pull;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.aptostree.openpgp.Keyring;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.Remote;
import org.aptostree.ostree.repo.Repository;

/**
 * {@code ostree pull REMOTE REF…}: pulls from a remote configured in the repository, from its URL ({@code file:} for
 * a local repository, else HTTP), verifying commits as its {@code gpg-verify} setting says, and points
 * {@code REMOTE:REF} at what was pulled.
 */
public final class RemotePull {
    private RemotePull() {
    }

    /** Pulls {@code refs} (checksums may stand for refs) with {@code depth} parents; returns the commit of each. */
    public static Map<String, ObjectId> pull(Repository repo, String remoteName, List<String> refs, int depth, PullProgress progress)
            throws IOException, OstreeFormatException {
        Remote remote = repo.remote(remoteName).orElseThrow(() -> new IOException("Remote \"" + remoteName + "\" not found"));
        try (ObjectSource source = "file".equals(remote.url().getScheme())
                ? new LocalSource(Repository.open(Path.of(remote.url())))
                : new HttpSource(remote.url())) {
            Puller puller = new Puller(repo, source).depth(depth).progress(progress);
            if (remote.gpgVerify()) {
                puller.verifyWith(Keyring.load(remote.keyringFiles(repo)));
            }
            return puller.pull(refs, ref -> remoteName + ":" + ref);
        }
    }
}
