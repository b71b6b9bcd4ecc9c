package org.aptostree.cli.ostree;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.ostree.gvariant.GVariantCodec;
import org.aptostree.ostree.gvariant.GVariantText;
import org.aptostree.ostree.gvariant.Variant;
import org.aptostree.ostree.gvariant.VariantDict;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.DirMeta;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.FileHeader;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectType;
import org.aptostree.ostree.object.Xattr;
import org.aptostree.ostree.repo.ContentObject;
import org.aptostree.ostree.repo.Repository;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ostree show}: a commit by rev, or any object by checksum (commit, dirmeta, dirtree, then content), or one
 * value of a commit's metadata. Commit signatures are not verified or listed here.
 */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Output a metadata object.")
final class ShowCommand implements Callable<Integer> {
    @ParentCommand
    OstreeCommand repo;

    @Option(names = "--print-related", description = "Show the \"related\" commits")
    boolean printRelated;

    @Option(names = "--print-metadata-key", paramLabel = "KEY", description = "Print string value of metadata key")
    String metadataKey;

    @Option(names = "--print-detached-metadata-key", paramLabel = "KEY", description = "Print string value of detached metadata key")
    String detachedKey;

    @Option(names = "--raw", description = "Show raw variant data")
    boolean raw;

    @Option(names = {"-B", "--no-byteswap"}, description = "Do not automatically convert variant data from big endian")
    boolean noByteswap;

    @Parameters(index = "0", paramLabel = "OBJECT")
    String rev;

    private Repository r;

    @Override
    public Integer call() throws Exception {
        r = repo.open();
        if (metadataKey != null || detachedKey != null) {
            printMetadataKey(r.resolveRev(rev));
        } else if (printRelated) {
            printRelated(r.resolveRev(rev));
        } else if (!ObjectId.isValidHex(rev)) {
            print(ObjectType.COMMIT, r.resolveRev(rev));
        } else {
            ObjectId id = ObjectId.fromHex(rev);
            Optional<ObjectType> type = List.of(ObjectType.COMMIT, ObjectType.DIR_META, ObjectType.DIR_TREE).stream()
                    .filter(t -> r.has(id, t)).findFirst();
            if (type.isPresent()) {
                print(type.get(), id);
            } else {
                printContent(id);
            }
        }
        System.out.flush();
        return 0;
    }

    private void print(ObjectType type, ObjectId id) throws Exception {
        ObjectPrinter.Dump dump = noByteswap ? ObjectPrinter.Dump.UNSWAPPED : raw ? ObjectPrinter.Dump.RAW : ObjectPrinter.Dump.PARSED;
        var variantType = switch (type) {
            case COMMIT -> Commit.TYPE;
            case DIR_META -> DirMeta.TYPE;
            default -> DirTree.TYPE;
        };
        System.out.print(ObjectPrinter.format(type, id, variantType, r.readMetadataBytes(id, type), dump));
    }

    private void printMetadataKey(ObjectId commit) throws Exception {
        VariantDict metadata;
        if (detachedKey == null) {
            metadata = r.readCommit(commit).metadata();
        } else {
            metadata = r.readDetachedMetadata(commit)
                    .orElseThrow(() -> new ExitCodeException(1, "No detached metadata for commit " + commit));
        }
        String key = detachedKey != null ? detachedKey : metadataKey;
        Variant v = metadata.get(key).orElseThrow(() -> new ExitCodeException(1, "No such metadata key '" + key + "'"));
        System.out.println(noByteswap ? GVariantText.format(v.type(), v.value()) : ObjectPrinter.swapped(v));
    }

    private void printRelated(ObjectId commit) throws Exception {
        List<?> value = (List<?>) GVariantCodec.decode(Commit.TYPE, r.readMetadataBytes(commit, ObjectType.COMMIT));
        StringBuilder out = new StringBuilder();
        for (Object related : (List<?>) value.get(2)) {
            List<?> pair = (List<?>) related;
            out.append(pair.get(0)).append(' ').append(ObjectId.fromBytes((byte[]) pair.get(1))).append('\n');
        }
        System.out.print(out);
    }

    private void printContent(ObjectId id) throws Exception {
        FileHeader h;
        long size;
        try (ContentObject c = r.openContent(id)) {
            h = c.header();
            size = c.size();
        }
        StringBuilder out = new StringBuilder();
        out.append("Object: ").append(id).append("\nType: file\nFile Type: ");
        if (h.isSymlink()) {
            out.append("symlink\nTarget: ").append(h.symlinkTarget()).append('\n');
        } else {
            out.append("regular\nSize: ").append(size).append('\n');
        }
        out.append(String.format("Mode: 0%04o%nUid: %d%nGid: %d%n", h.mode(),
                Integer.toUnsignedLong(h.uid()), Integer.toUnsignedLong(h.gid())));
        out.append("Extended Attributes: { ").append(Xattr.variant(h.xattrs())).append(" }\n");
        System.out.print(out);
    }
}
