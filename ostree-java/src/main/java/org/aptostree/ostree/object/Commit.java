package org.aptostree.ostree.object;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.gvariant.GVariantCodec;
import org.aptostree.ostree.gvariant.GVariantType;
import org.aptostree.ostree.gvariant.VariantDict;

/**
 * A commit object, type {@code (a{sv}aya(say)sstayay)}: metadata, parent, related objects (always empty),
 * subject, body, timestamp (big-endian seconds), root dirtree and root dirmeta.
 */
public record Commit(VariantDict metadata, Optional<ObjectId> parent, String subject, String body,
                     long timestamp, ObjectId rootTree, ObjectId rootMeta) {
    public static final GVariantType TYPE = GVariantType.of("(a{sv}aya(say)sstayay)");

    public Commit {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(rootTree, "rootTree");
        Objects.requireNonNull(rootMeta, "rootMeta");
    }

    public byte[] encode() {
        return GVariantCodec.encode(TYPE, List.of(
                metadata.toValue(),
                parent.map(ObjectId::toBytes).orElse(new byte[0]),
                List.of(),
                subject,
                body,
                Long.reverseBytes(timestamp),
                rootTree.toBytes(),
                rootMeta.toBytes()));
    }

    public ObjectId checksum() {
        return Checksums.sha256(encode());
    }

    public Instant time() {
        return Instant.ofEpochSecond(timestamp);
    }

    /** The commit's "content checksum": SHA-256 of the root dirtree and dirmeta checksums, as libostree computes it. */
    public ObjectId contentChecksum() {
        var digest = Checksums.newDigest();
        digest.update(rootTree.toBytes());
        digest.update(rootMeta.toBytes());
        return ObjectId.fromBytes(digest.digest());
    }

    public static Commit decode(byte[] data) throws OstreeFormatException {
        List<?> v = (List<?>) GVariantCodec.decode(TYPE, data);
        byte[] parent = (byte[]) v.get(1);
        Optional<ObjectId> parentId = parent.length == 0 ? Optional.empty() : Optional.of(DirTree.checksum(parent, "parent"));
        return new Commit(VariantDict.fromValue(v.get(0)), parentId, (String) v.get(3), (String) v.get(4),
                Long.reverseBytes((Long) v.get(5)), DirTree.checksum(v.get(6), "root tree"), DirTree.checksum(v.get(7), "root meta"));
    }
}
