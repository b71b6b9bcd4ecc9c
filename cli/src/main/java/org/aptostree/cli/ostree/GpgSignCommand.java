package org.aptostree.cli.ostree;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.sign.CommitSignatures;
import org.aptostree.ostree.sign.GpgSigner;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "gpg-sign", mixinStandardHelpOptions = true, description = "Sign a commit.")
final class GpgSignCommand implements Callable<Integer> {
    @ParentCommand
    OstreeCommand repo;

    @Option(names = "--sign-keyring", required = true, paramLabel = "FILE",
            description = "Secret keyring file (gpg --export-secret-keys) holding the signing keys")
    Path keyring;

    @Parameters(index = "0", paramLabel = "COMMIT")
    String rev;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY-ID")
    List<String> keyIds;

    @Override
    public Integer call() throws Exception {
        Repository r = repo.open();
        ObjectId commit = r.resolveRev(rev);
        for (String key : keyIds) {
            CommitSignatures.sign(r, commit, GpgSigner.load(keyring, key, new char[0]));
        }
        return 0;
    }
}
