package org.aptostree.solver.cache;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.control.Dependency;
import org.aptostree.deb.control.Relation;
import org.aptostree.deb.control.RelationOperator;
import org.aptostree.deb.index.MultiArch;
import org.aptostree.deb.version.Version;
import org.aptostree.solver.PackageVersion;

/**
 * A binary form of parsed package lists, playing the part of apt's pkgcache.bin: reading it back is much
 * cheaper than parsing a Packages file. Strings, versions, relations and dependency groups are stored once
 * each and referenced by number, so the packages read back also share those objects.
 *
 * <p>The stream starts with a caller-chosen key (e.g. the SHA-256 of the index it was made from); a reader
 * that expects another key gets an exception, so a stale cache is never used by mistake.
 */
public final class PackageCache {
    private static final int MAGIC = 0x414f5355; // "AOSU"
    private static final int FORMAT = 1;
    /** Far above any real archive (trixie main has ~69k packages, a few 100k distinct strings). */
    private static final int MAX_COUNT = 1 << 22;

    private PackageCache() {
    }

    public static void write(List<PackageVersion> packages, String key, OutputStream out) throws IOException {
        Tables t = new Tables();
        for (PackageVersion p : packages) {
            t.string(p.name());
            t.version(p.version());
            t.string(p.architecture());
            t.groups(p.preDepends());
            t.groups(p.depends());
            t.groups(p.recommends());
            t.groups(p.conflicts());
            t.groups(p.breaks());
            for (Relation r : p.provides()) {
                t.relation(r);
            }
        }
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(MAGIC);
        data.writeInt(FORMAT);
        data.writeUTF(key);
        data.writeInt(t.strings.size());
        for (String s : t.strings) {
            data.writeUTF(s);
        }
        data.writeInt(t.versions.size());
        for (Version v : t.versions) {
            data.writeInt(v.epoch());
            data.writeInt(t.stringIds.get(v.upstream()));
            data.writeInt(t.stringIds.get(v.revision()));
        }
        data.writeInt(t.relations.size());
        for (Relation r : t.relations) {
            data.writeInt(t.stringIds.get(r.name()));
            data.writeInt(r.architecture() == null ? -1 : t.stringIds.get(r.architecture()));
            data.writeByte(r.operator() == null ? -1 : r.operator().ordinal());
            if (r.operator() != null) {
                data.writeInt(t.versionIds.get(r.version()));
            }
        }
        data.writeInt(t.groups.size());
        for (Dependency d : t.groups) {
            data.writeShort(d.alternatives().size());
            for (Relation r : d.alternatives()) {
                data.writeInt(t.relationIds.get(r));
            }
        }
        data.writeInt(packages.size());
        for (PackageVersion p : packages) {
            data.writeInt(t.stringIds.get(p.name()));
            data.writeInt(t.versionIds.get(p.version()));
            data.writeInt(t.stringIds.get(p.architecture()));
            data.writeByte(p.multiArch().ordinal());
            data.writeByte((p.essential() ? 1 : 0) | (p.protectedPackage() ? 2 : 0));
            writeGroups(data, t, p.preDepends());
            writeGroups(data, t, p.depends());
            writeGroups(data, t, p.recommends());
            writeGroups(data, t, p.conflicts());
            writeGroups(data, t, p.breaks());
            data.writeShort(p.provides().size());
            for (Relation r : p.provides()) {
                data.writeInt(t.relationIds.get(r));
            }
        }
        data.flush();
    }

    private static void writeGroups(DataOutputStream data, Tables t, List<Dependency> groups) throws IOException {
        data.writeShort(groups.size());
        for (Dependency d : groups) {
            data.writeInt(t.groupIds.get(d));
        }
    }

    /**
     * Reads packages written by {@link #write}; throws {@link DebFormatException} if the stream was made for
     * another key or is damaged (never another runtime exception, whatever the bytes).
     */
    public static List<PackageVersion> read(InputStream in, String expectedKey) throws IOException {
        try {
            return readUnchecked(in, expectedKey);
        } catch (RuntimeException e) {
            // Out-of-range numbers from a damaged file surface as index or argument errors.
            throw new DebFormatException("damaged package cache: " + e);
        }
    }

    /** Guards array sizes read from the file, so a damaged count cannot ask for gigabytes. */
    private static int count(DataInputStream data) throws IOException {
        int n = data.readInt();
        if (n < 0 || n > MAX_COUNT) {
            throw new DebFormatException("damaged package cache: count " + n);
        }
        return n;
    }

    private static List<PackageVersion> readUnchecked(InputStream in, String expectedKey) throws IOException {
        DataInputStream data = new DataInputStream(in);
        if (data.readInt() != MAGIC || data.readInt() != FORMAT) {
            throw new DebFormatException("not an apt-ostree package cache of format " + FORMAT);
        }
        String key = data.readUTF();
        if (!key.equals(expectedKey)) {
            throw new DebFormatException("package cache is for " + key + ", not " + expectedKey);
        }
        String[] strings = new String[count(data)];
        for (int i = 0; i < strings.length; i++) {
            strings[i] = data.readUTF();
        }
        Version[] versions = new Version[count(data)];
        for (int i = 0; i < versions.length; i++) {
            versions[i] = new Version(data.readInt(), strings[data.readInt()], strings[data.readInt()]);
        }
        RelationOperator[] operators = RelationOperator.values();
        Relation[] relations = new Relation[count(data)];
        for (int i = 0; i < relations.length; i++) {
            String name = strings[data.readInt()];
            int arch = data.readInt();
            int op = data.readByte();
            relations[i] = new Relation(name, arch < 0 ? null : strings[arch], op < 0 ? null : operators[op],
                    op < 0 ? null : versions[data.readInt()], List.of(), List.of());
        }
        Dependency[] groups = new Dependency[count(data)];
        for (int i = 0; i < groups.length; i++) {
            Relation[] alternatives = new Relation[data.readShort()];
            for (int k = 0; k < alternatives.length; k++) {
                alternatives[k] = relations[data.readInt()];
            }
            groups[i] = new Dependency(List.of(alternatives));
        }
        MultiArch[] multiArch = MultiArch.values();
        int count = count(data);
        List<PackageVersion> packages = new ArrayList<>(Math.min(count, 1 << 16));
        for (int i = 0; i < count; i++) {
            String name = strings[data.readInt()];
            Version version = versions[data.readInt()];
            String arch = strings[data.readInt()];
            MultiArch ma = multiArch[data.readByte()];
            int flags = data.readByte();
            List<Dependency> pre = readGroups(data, groups);
            List<Dependency> dep = readGroups(data, groups);
            List<Dependency> rec = readGroups(data, groups);
            List<Dependency> con = readGroups(data, groups);
            List<Dependency> brk = readGroups(data, groups);
            Relation[] provides = new Relation[data.readShort()];
            for (int k = 0; k < provides.length; k++) {
                provides[k] = relations[data.readInt()];
            }
            packages.add(new PackageVersion(name, version, arch, ma, (flags & 1) != 0, (flags & 2) != 0,
                    pre, dep, rec, con, brk, List.of(provides)));
        }
        return packages;
    }

    private static List<Dependency> readGroups(DataInputStream data, Dependency[] groups) throws IOException {
        int n = data.readShort();
        if (n == 0) {
            return List.of();
        }
        Dependency[] result = new Dependency[n];
        for (int i = 0; i < n; i++) {
            result[i] = groups[data.readInt()];
        }
        return List.of(result);
    }

    /** Numbering of the distinct strings, versions, relations and groups, in first-seen order. */
    private static final class Tables {
        final List<String> strings = new ArrayList<>();
        final Map<String, Integer> stringIds = new HashMap<>();
        final List<Version> versions = new ArrayList<>();
        final Map<Version, Integer> versionIds = new HashMap<>();
        final List<Relation> relations = new ArrayList<>();
        final Map<Relation, Integer> relationIds = new HashMap<>();
        final List<Dependency> groups = new ArrayList<>();
        final Map<Dependency, Integer> groupIds = new HashMap<>();

        void string(String s) {
            if (!stringIds.containsKey(s)) {
                stringIds.put(s, strings.size());
                strings.add(s);
            }
        }

        void version(Version v) {
            if (!versionIds.containsKey(v)) {
                string(v.upstream());
                string(v.revision());
                versionIds.put(v, versions.size());
                versions.add(v);
            }
        }

        void relation(Relation r) {
            if (!relationIds.containsKey(r)) {
                string(r.name());
                if (r.architecture() != null) {
                    string(r.architecture());
                }
                if (r.version() != null) {
                    version(r.version());
                }
                relationIds.put(r, relations.size());
                relations.add(r);
            }
        }

        void groups(List<Dependency> list) {
            for (Dependency d : list) {
                if (!groupIds.containsKey(d)) {
                    for (Relation r : d.alternatives()) {
                        relation(r);
                    }
                    groupIds.put(d, groups.size());
                    groups.add(d);
                }
            }
        }
    }
}
