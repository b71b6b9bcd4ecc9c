package org.aptostree.ostree.object;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.gvariant.GVariantCodec;
import org.aptostree.ostree.gvariant.GVariantType;

/** A dirtree object: the files and subdirectories of one directory, each list sorted by strcmp of the name. */
public record DirTree(List<FileEntry> files, List<DirEntry> dirs) {
    public static final GVariantType TYPE = GVariantType.of("(a(say)a(sayay))");

    /** A file (regular or symlink) in a directory: its name and content object. */
    public record FileEntry(String name, ObjectId content) {
    }

    /** A subdirectory: its name, its dirtree and its dirmeta. */
    public record DirEntry(String name, ObjectId tree, ObjectId meta) {
    }

    static final Comparator<String> NAME_ORDER =
            (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    /** Builds a dirtree, sorting the entries into libostree's order. */
    public static DirTree sorted(List<FileEntry> files, List<DirEntry> dirs) {
        List<FileEntry> f = new ArrayList<>(files);
        f.sort(Comparator.comparing(FileEntry::name, NAME_ORDER));
        List<DirEntry> d = new ArrayList<>(dirs);
        d.sort(Comparator.comparing(DirEntry::name, NAME_ORDER));
        return new DirTree(List.copyOf(f), List.copyOf(d));
    }

    public byte[] encode() {
        List<Object> f = new ArrayList<>(files.size());
        for (FileEntry e : files) {
            f.add(List.of(e.name(), e.content().toBytes()));
        }
        List<Object> d = new ArrayList<>(dirs.size());
        for (DirEntry e : dirs) {
            d.add(List.of(e.name(), e.tree().toBytes(), e.meta().toBytes()));
        }
        return GVariantCodec.encode(TYPE, List.of(f, d));
    }

    public ObjectId checksum() {
        return Checksums.sha256(encode());
    }

    /** Parses and validates a dirtree as {@code ostree_validate_structureof_dirtree} does. */
    public static DirTree decode(byte[] data) throws OstreeFormatException {
        List<?> v = (List<?>) GVariantCodec.decode(TYPE, data);
        List<FileEntry> files = new ArrayList<>();
        for (Object o : (List<?>) v.get(0)) {
            List<?> e = (List<?>) o;
            String name = validName((String) e.get(0));
            files.add(new FileEntry(name, checksum(e.get(1), name)));
        }
        List<DirEntry> dirs = new ArrayList<>();
        for (Object o : (List<?>) v.get(1)) {
            List<?> e = (List<?>) o;
            String name = validName((String) e.get(0));
            dirs.add(new DirEntry(name, checksum(e.get(1), name), checksum(e.get(2), name)));
        }
        return new DirTree(List.copyOf(files), List.copyOf(dirs));
    }

    /** libostree's {@code ot_util_filename_validate}. */
    public static String validName(String name) throws OstreeFormatException {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0) {
            throw new OstreeFormatException("invalid file name in dirtree: '" + name + "'");
        }
        return name;
    }

    static ObjectId checksum(Object bytes, String where) throws OstreeFormatException {
        byte[] b = (byte[]) bytes;
        if (b.length != ObjectId.LENGTH) {
            throw new OstreeFormatException("invalid checksum of length " + b.length + " for '" + where + "'");
        }
        return ObjectId.fromBytes(b);
    }
}
