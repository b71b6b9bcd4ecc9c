package org.aptostree.ostree.sign;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.gvariant.Variant;
import org.aptostree.ostree.gvariant.VariantDict;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectType;
import org.aptostree.ostree.repo.ObjectInserter;
import org.aptostree.ostree.repo.Repository;

/** The OpenPGP signatures of a commit, kept in its detached metadata under {@code ostree.gpgsigs}. */
public final class CommitSignatures {
    public static final String KEY = "ostree.gpgsigs";

    private CommitSignatures() {
    }

    /** The signature packets stored for a commit. */
    public static List<byte[]> read(Repository repo, ObjectId commit) throws IOException, OstreeFormatException {
        List<byte[]> sigs = new ArrayList<>();
        repo.readDetachedMetadata(commit).flatMap(m -> m.get(KEY)).ifPresent(v -> {
            for (Object o : (List<?>) v.value()) {
                sigs.add((byte[]) o);
            }
        });
        return sigs;
    }

    /** Signs a commit object's bytes and appends the signature to its detached metadata. */
    public static void sign(Repository repo, ObjectId commit, GpgSigner signer) throws IOException, OstreeFormatException {
        byte[] commitBytes = repo.readMetadataBytes(commit, ObjectType.COMMIT);
        List<byte[]> sigs = read(repo, commit);
        sigs.add(signer.sign(commitBytes));
        VariantDict meta = repo.readDetachedMetadata(commit).orElse(VariantDict.empty())
                .with(KEY, Variant.of("aay", List.copyOf(sigs)));
        try (ObjectInserter inserter = repo.newInserter()) {
            inserter.writeDetachedMetadata(commit, meta);
            inserter.commit();
        }
    }

    public static GpgKeyring.Verification verify(Repository repo, ObjectId commit, GpgKeyring keyring)
            throws IOException, OstreeFormatException {
        return keyring.verify(repo.readMetadataBytes(commit, ObjectType.COMMIT), read(repo, commit));
    }
}
