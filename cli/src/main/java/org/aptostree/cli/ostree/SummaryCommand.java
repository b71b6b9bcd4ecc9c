package org.aptostree.cli.ostree;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

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

    @Option(names = "--view", description = "View the local summary file")
    boolean view;

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
        Summary s = Summary.read(r).orElseThrow(() -> new java.nio.file.NoSuchFileException("No summary file in " + r.path()));
        StringBuilder out = new StringBuilder();
        for (Summary.Ref ref : s.refs()) {
            out.append("* ").append(ref.name()).append('\n');
            out.append("    Latest Commit (").append(ref.commitSize()).append(" bytes):\n");
            out.append("      ").append(ref.commit()).append('\n');
            ref.timestamp().ifPresent(t -> out.append("    Timestamp (ostree.commit.timestamp): ")
                    .append(java.time.format.DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(t))).append('\n'));
            out.append('\n');
        }
        s.metadata().asMap().forEach((k, v) -> out.append(k).append(": ").append(v).append('\n'));
        System.out.print(out);
        return 0;
    }
}
