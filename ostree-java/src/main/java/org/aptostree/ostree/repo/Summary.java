package org.aptostree.ostree.repo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.gvariant.GVariantCodec;
import org.aptostree.ostree.gvariant.GVariantType;
import org.aptostree.ostree.gvariant.Variant;
import org.aptostree.ostree.gvariant.VariantDict;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectType;

/**
 * A repository's {@code summary} file, type {@code (a(s(taya{sv}))a{sv})}: every local ref with its commit's
 * size, checksum, timestamp and version, and repository-wide metadata. Clients read it to resolve refs.
 */
public record Summary(List<Ref> refs, VariantDict metadata) {
    public static final GVariantType TYPE = GVariantType.of("(a(s(taya{sv}))a{sv})");

    /** One ref of the summary. */
    public record Ref(String name, long commitSize, ObjectId commit, VariantDict metadata) {
        /** The commit's timestamp ({@code ostree.commit.timestamp}, stored big-endian). */
        public Optional<Long> timestamp() {
            return metadata.get("ostree.commit.timestamp").map(v -> Long.reverseBytes((Long) v.value()));
        }
    }

    public Optional<Ref> ref(String name) {
        return refs.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** Builds the summary of a repository's local refs, as {@code ostree summary -u}. */
    public static Summary generate(Repository repo, long lastModified) throws IOException, OstreeFormatException {
        List<Ref> refs = new ArrayList<>();
        for (Map.Entry<String, ObjectId> e : repo.refs().listLocal().entrySet()) {
            byte[] bytes = repo.readMetadataBytes(e.getValue(), ObjectType.COMMIT);
            Commit c = Commit.decode(bytes);
            VariantDict meta = VariantDict.empty();
            Optional<String> version = c.metadata().getString("version");
            if (version.isPresent()) {
                meta = meta.with("ostree.commit.version", Variant.ofString(version.get()));
            }
            meta = meta.with("ostree.commit.timestamp", Variant.of("t", Long.reverseBytes(c.timestamp())));
            refs.add(new Ref(e.getKey(), bytes.length, e.getValue(), meta.inGVariantDictOrder()));
        }
        refs.sort((a, b) -> java.util.Arrays.compareUnsigned(a.name().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.name().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        VariantDict meta = VariantDict.empty()
                .with("ostree.summary.last-modified", Variant.of("t", Long.reverseBytes(lastModified)))
                .with("ostree.summary.tombstone-commits", Variant.ofBoolean(repo.config().getBoolean("core", "tombstone-commits", false)))
                .with("ostree.summary.indexed-deltas", Variant.ofBoolean(true))
                .with("ostree.summary.mode", Variant.ofString(repo.mode().configName()))
                .inGVariantDictOrder();
        return new Summary(List.copyOf(refs), meta);
    }

    public byte[] encode() {
        List<Object> refList = new ArrayList<>();
        for (Ref r : refs) {
            refList.add(List.of(r.name(), List.of(r.commitSize(), r.commit().toBytes(), r.metadata().toValue())));
        }
        return GVariantCodec.encode(TYPE, List.of(refList, metadata.toValue()));
    }

    public static Summary decode(byte[] data) throws OstreeFormatException {
        List<?> v = (List<?>) GVariantCodec.decode(TYPE, data);
        return new Summary(decodeRefs(v.get(0)), VariantDict.fromValue(v.get(1)));
    }

    /** The refs of a decoded {@code a(s(taya{sv}))} value: the summary's own, or a collection's in its collection map. */
    public static List<Ref> decodeRefs(Object value) throws OstreeFormatException {
        List<Ref> refs = new ArrayList<>();
        for (Object o : (List<?>) value) {
            List<?> entry = (List<?>) o;
            List<?> info = (List<?>) entry.get(1);
            byte[] csum = (byte[]) info.get(1);
            if (csum.length != ObjectId.LENGTH) {
                throw new OstreeFormatException("invalid checksum for ref '" + entry.get(0) + "' in summary");
            }
            refs.add(new Ref((String) entry.get(0), (Long) info.get(0), ObjectId.fromBytes(csum), VariantDict.fromValue(info.get(2))));
        }
        return List.copyOf(refs);
    }

    /** Writes {@code summary} (and {@code summary.sig} when signatures are given) atomically. */
    public void write(Repository repo, List<byte[]> signatures) throws IOException {
        byte[] bytes = encode();
        AtomicFile.write(repo.path().resolve("summary"), bytes);
        if (signatures.isEmpty()) {
            Files.deleteIfExists(repo.path().resolve("summary.sig"));
        } else {
            VariantDict sig = VariantDict.empty().with("ostree.gpgsigs", Variant.of("aay", List.copyOf(signatures)));
            AtomicFile.write(repo.path().resolve("summary.sig"), sig.encode());
        }
    }

    /** Reads a repository's own summary file, if it has one. */
    public static Optional<Summary> read(Repository repo) throws IOException, OstreeFormatException {
        try {
            return Optional.of(decode(Files.readAllBytes(repo.path().resolve("summary"))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }
}
