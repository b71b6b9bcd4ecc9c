package org.aptostree.cli.ostree;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.ostree.gvariant.GVariantCodec;
import org.aptostree.ostree.gvariant.Variant;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.repo.Summary;
import org.aptostree.ostree.sign.GpgSigner;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "summary", mixinStandardHelpOptions = true, description = "Manage summary metadata.")
final class SummaryCommand implements Callable<Integer> {
    @ParentCommand
    OstreeCommand repo;

    @Option(names = {"-u", "--update"}, description = "Update the summary")
    boolean update;

    @Option(names = {"-v", "--view"}, description = "View the local summary file")
    boolean view;

    @Option(names = "--raw", description = "View the raw bytes of the summary file")
    boolean raw;

    @Option(names = "--gpg-sign", paramLabel = "KEY-ID", description = "GPG Key ID to sign the summary with")
    List<String> keyIds = new ArrayList<>();

    @Option(names = "--sign-keyring", paramLabel = "FILE", description = "Secret keyring file (gpg --export-secret-keys) holding the signing keys")
    Path keyring;

    @Override
    public Integer call() throws Exception {
        Repository r = repo.open();
        if (update) {
            String sde = System.getenv("SOURCE_DATE_EPOCH");
            long now = sde != null && !sde.isBlank() ? Long.parseLong(sde.strip()) : Instant.now().getEpochSecond();
            Summary s = Summary.generate(r, now);
            List<byte[]> sigs = new ArrayList<>();
            for (String key : keyIds) {
                if (keyring == null) {
                    throw new IllegalArgumentException("--gpg-sign needs --sign-keyring=FILE with the secret key");
                }
                sigs.add(GpgSigner.load(keyring, key, new char[0]).sign(s.encode()));
            }
            s.write(r, sigs);
            return 0;
        }
        if (!view && !raw) {
            throw new ExitCodeException(1, "No option specified; use -u to update summary");
        }
        byte[] data;
        try {
            data = Files.readAllBytes(r.path().resolve("summary"));
        } catch (NoSuchFileException e) {
            throw new ExitCodeException(1, "openat(summary): No such file or directory");
        }
        String out = raw ? ObjectPrinter.swapped(new Variant(Summary.TYPE, GVariantCodec.decode(Summary.TYPE, data))) + "\n"
                : SummaryPrinter.format(Summary.decode(data));
        System.out.print(out);
        return 0;
    }
}
