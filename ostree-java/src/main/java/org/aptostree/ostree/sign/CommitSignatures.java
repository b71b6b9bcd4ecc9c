package org.aptostree.ostree.sign;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.aptostree.openpgp.Keyring;
import org.aptostree.openpgp.OpenPgpFormatException;
import org.aptostree.openpgp.RejectedSignatureException;
import org.aptostree.openpgp.SignaturePolicy;
import org.aptostree.openpgp.SignatureVerifier;
import org.aptostree.openpgp.Verification;
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
        return of(repo.readDetachedMetadata(commit).orElse(VariantDict.empty()));
    }

    /** The signature packets in a commit's detached metadata. */
    public static List<byte[]> of(VariantDict detached) {
        List<byte[]> sigs = new ArrayList<>();
        detached.get(KEY).ifPresent(v -> {
            for (Object o : (List<?>) v.value()) {
                sigs.add((byte[]) o);
            }
        });
        return sigs;
    }

    /** Signs a commit object's bytes and appends the signature to its detached metadata. */
    public static void sign(Repository repo, ObjectId commit, GpgSigner signer) throws IOException, OstreeFormatException {
        append(repo, commit, signer.sign(repo.readMetadataBytes(commit, ObjectType.COMMIT)));
    }

    /** Appends a binary signature packet to a commit's detached metadata. */
    public static void append(Repository repo, ObjectId commit, byte[] signature) throws IOException, OstreeFormatException {
        List<byte[]> sigs = read(repo, commit);
        sigs.add(signature);
        VariantDict meta = repo.readDetachedMetadata(commit).orElse(VariantDict.empty())
                .with(KEY, Variant.of("aay", List.copyOf(sigs)));
        try (ObjectInserter inserter = repo.newInserter()) {
            inserter.writeDetachedMetadata(commit, meta);
            inserter.commit();
        }
    }

    /** Checks a stored commit's signatures; see {@link #verify(byte[], List, Keyring, SignaturePolicy)}. */
    public static Verification verify(Repository repo, ObjectId commit, Keyring keyring, SignaturePolicy policy)
            throws IOException, OstreeFormatException, RejectedSignatureException {
        return verify(repo.readMetadataBytes(commit, ObjectType.COMMIT), read(repo, commit), keyring, policy);
    }

    /**
     * Checks a commit's signatures by the project's OpenPGP policy. As libostree does, the signatures are checked as
     * one run of packets and the commit is accepted when at least one is good.
     */
    public static Verification verify(byte[] commit, List<byte[]> signatures, Keyring keyring, SignaturePolicy policy)
            throws OstreeFormatException, RejectedSignatureException {
        if (signatures.isEmpty()) {
            throw new RejectedSignatureException(List.of());
        }
        ByteArrayOutputStream packets = new ByteArrayOutputStream();
        signatures.forEach(packets::writeBytes);
        try {
            return new SignatureVerifier(keyring, policy).verify(commit, packets.toByteArray());
        } catch (OpenPgpFormatException e) {
            throw new OstreeFormatException("malformed commit signature: " + e.getMessage(), e);
        }
    }
}
