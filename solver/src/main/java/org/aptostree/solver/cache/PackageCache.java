package org.aptostree.solver.cache;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.control.Dependency;
import org.aptostree.deb.control.Relation;
import org.aptostree.deb.control.RelationOperator;
import org.aptostree.deb.index.MultiArch;
import org.aptostree.deb.version.Version;
import org.aptostree.solver.PackageTable;
import org.aptostree.solver.PackageVersion;

/**
 * A package list in a binary form that is used as it lies instead of being parsed, playing the part of apt's
 * pkgcache.bin. Everything is numbers in flat tables: strings, versions, relations and dependency groups are
 * stored once each and referred to by number, and a hash table finds the packages of a name and the providers of
 * a name. Opening a cache ({@link #read}) checks it and copies each table into an array in one move; a package
 * version, with its strings and relations, is only made when asked for, so a solver run that looks at a few
 * thousand packages of an archive makes only those.
 *
 * <p>The cache records its {@link Origin} (what it was made from) and is guarded by a format version and a
 * CRC-32C over all of it; a damaged, truncated or inconsistent cache is refused with {@link DebFormatException}
 * (never another exception, whatever the bytes), and the caller makes a new one.
 */
public final class PackageCache implements PackageTable {
    private static final int MAGIC = 0x4353_4f41; // "AOSC" read little-endian
    private static final int FORMAT = 2;
    /** magic, format, length (long), CRC-32C of everything after the header. */
    static final int HEADER = 20;
    private static final int COUNTS = 12;
    /** Far above any real archive (trixie main: ~69k packages, a few 100k strings and relations). */
    private static final int MAX_COUNT = 1 << 26;
    private static final int PACKAGE_INTS = 5;
    private static final int NAME_INTS = 6;
    private static final int[] NONE = new int[0];
    private static final MultiArch[] MULTI_ARCH = MultiArch.values();
    private static final RelationOperator[] OPERATORS = RelationOperator.values();

    /**
     * What a cache was made from: the checksum of the index's bytes (e.g. {@code sha256:…}) and a stamp of the
     * index file (e.g. its size, times and inode) that lets a caller trust the cache without reading the index.
     */
    public record Origin(String indexChecksum, String stamp) {
    }

    private final Origin origin;
    /** The bytes after the origin, for {@link #withOrigin}. */
    private final ByteBuffer body;
    private final int[] stringEnds;
    private final byte[] stringBytes;
    /** epoch, upstream, revision. */
    private final int[] versions;
    /** name, architecture (-1: none), operator (-1: unversioned), version (-1: none). */
    private final int[] relations;
    private final int[] groupEnds;
    private final int[] groupAlternatives;
    /** name, version, architecture, flags (Multi-Arch, Essential, Protected), start of the lists. */
    private final int[] packages;
    /** Per package: Pre-Depends, Depends, Recommends, Conflicts, Breaks (groups), Provides (relations), each counted. */
    private final int[] lists;
    /** name, its hash, first named row, count, first providing row, count. */
    private final int[] names;
    /** Open addressing: name entry + 1, 0 when empty. */
    private final int[] slots;
    private final int[] namedRows;
    private final int[] providerRows;
    private final Set<String> architectures;

    private final String[] stringObjects;
    private final Version[] versionObjects;
    private final Relation[] relationObjects;
    private final Dependency[] groupObjects;
    private final PackageVersion[] packageObjects;

    private PackageCache(Origin origin, ByteBuffer body, Reader r) throws DebFormatException {
        this.origin = origin;
        this.body = body;
        int[] counts = r.ints(COUNTS);
        for (int c : counts) {
            if (c < 0 || c > MAX_COUNT) {
                throw damaged("count " + c);
            }
        }
        int stringCount = counts[0];
        int packageCount = counts[6];
        stringEnds = r.ints(stringCount);
        versions = r.ints(Math.multiplyExact(3, counts[2]));
        relations = r.ints(Math.multiplyExact(4, counts[3]));
        groupEnds = r.ints(counts[4]);
        groupAlternatives = r.ints(counts[5]);
        packages = r.ints(Math.multiplyExact(PACKAGE_INTS, packageCount));
        lists = r.ints(counts[7]);
        names = r.ints(Math.multiplyExact(NAME_INTS, counts[8]));
        slots = r.ints(counts[9]);
        namedRows = r.ints(counts[10]);
        providerRows = r.ints(counts[11]);
        stringBytes = r.bytes(counts[1]);
        r.end();
        stringObjects = new String[stringCount];
        versionObjects = new Version[counts[2]];
        relationObjects = new Relation[counts[3]];
        groupObjects = new Dependency[counts[4]];
        packageObjects = new PackageVersion[packageCount];
        architectures = validate();
    }

    /**
     * Opens a cache (a mapped file, or the bytes {@link #encode} made). Throws {@link DebFormatException} when
     * the bytes are not a cache of this format, are damaged or do not hold together.
     */
    public static PackageCache read(ByteBuffer bytes) throws DebFormatException {
        ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.position(0);
        if (b.remaining() < HEADER || b.getInt(0) != MAGIC) {
            throw new DebFormatException("not an apt-ostree package cache");
        }
        if (b.getInt(4) != FORMAT) {
            throw new DebFormatException("package cache of format " + b.getInt(4) + ", not " + FORMAT);
        }
        if (b.getLong(8) != b.remaining()) {
            throw damaged("length " + b.getLong(8) + ", file " + b.remaining());
        }
        if (checksum(b) != b.getInt(16)) {
            throw damaged("checksum mismatch");
        }
        Reader r = new Reader(b.slice(HEADER, b.remaining() - HEADER).order(ByteOrder.LITTLE_ENDIAN));
        Origin origin = new Origin(r.string(), r.string());
        ByteBuffer body = r.buffer.slice(r.buffer.position(), r.buffer.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        try {
            return new PackageCache(origin, body, new Reader(body.duplicate().order(ByteOrder.LITTLE_ENDIAN)));
        } catch (ArithmeticException e) {
            throw damaged("size overflow");
        }
    }

    /** The same cache with another origin: a file to write when only the index's stamp changed. */
    public ByteBuffer withOrigin(Origin newOrigin) {
        return assemble(newOrigin, body.duplicate());
    }

    public Origin origin() {
        return origin;
    }

    private static DebFormatException damaged(String what) {
        return new DebFormatException("damaged package cache: " + what);
    }

    /** Sequential reads of the file's sections, each checked against what is left. */
    private static final class Reader {
        final ByteBuffer buffer;

        Reader(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        int[] ints(int count) throws DebFormatException {
            if (count < 0 || count > buffer.remaining() / 4) {
                throw damaged("section of " + count + " numbers, " + buffer.remaining() + " bytes left");
            }
            int[] result = new int[count];
            IntBuffer view = buffer.slice(buffer.position(), count * 4).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
            view.get(result);
            buffer.position(buffer.position() + count * 4);
            return result;
        }

        /** A byte section, padded to a multiple of 4. */
        byte[] bytes(int count) throws DebFormatException {
            if (count < 0 || count > buffer.remaining() - (-count & 3)) {
                throw damaged("section of " + count + " bytes, " + buffer.remaining() + " left");
            }
            byte[] result = new byte[count];
            buffer.get(result);
            buffer.position(buffer.position() + (-count & 3));
            return result;
        }

        String string() throws DebFormatException {
            if (buffer.remaining() < 4) {
                throw damaged("truncated");
            }
            return new String(bytes(buffer.getInt()), StandardCharsets.UTF_8);
        }

        void end() throws DebFormatException {
            if (buffer.hasRemaining()) {
                throw damaged(buffer.remaining() + " bytes after the last section");
            }
        }
    }

    /**
     * Checks that every number refers to something that exists, so that no later lookup can fail; returns the
     * packages' architectures.
     */
    private Set<String> validate() throws DebFormatException {
        int stringCount = stringEnds.length;
        int previous = 0;
        for (int end : stringEnds) {
            if (end < previous || end > stringBytes.length) {
                throw damaged("string table");
            }
            previous = end;
        }
        for (int i = 0; i < versions.length; i += 3) {
            int upstream = versions[i + 1];
            if (versions[i] < 0 || !isString(upstream) || stringStart(upstream) == stringEnds[upstream]
                    || !isString(versions[i + 2])) {
                throw damaged("version " + i / 3);
            }
        }
        int versionCount = versions.length / 3;
        for (int i = 0; i < relations.length; i += 4) {
            int arch = relations[i + 1];
            int op = relations[i + 2];
            int version = relations[i + 3];
            boolean versioned = op >= 0 && op < OPERATORS.length && version >= 0 && version < versionCount;
            if (!isString(relations[i]) || arch < -1 || arch >= stringCount
                    || !(versioned || op == -1 && version == -1)) {
                throw damaged("relation " + i / 4);
            }
        }
        int relationCount = relations.length / 4;
        previous = 0;
        for (int end : groupEnds) {
            if (end <= previous || end > groupAlternatives.length) {
                throw damaged("dependency groups");
            }
            previous = end;
        }
        for (int r : groupAlternatives) {
            if (r < 0 || r >= relationCount) {
                throw damaged("dependency group alternative " + r);
            }
        }
        boolean[] archSeen = new boolean[stringCount];
        Set<String> archs = new LinkedHashSet<>();
        int packageCount = packages.length / PACKAGE_INTS;
        for (int row = 0; row < packageCount; row++) {
            int b = row * PACKAGE_INTS;
            int arch = packages[b + 2];
            int flags = packages[b + 3];
            if (!isString(packages[b]) || packages[b + 1] < 0 || packages[b + 1] >= versionCount || !isString(arch)
                    || (flags & ~0xf) != 0) {
                throw damaged("package " + row);
            }
            if (!archSeen[arch]) {
                archSeen[arch] = true;
                archs.add(string(arch));
            }
            int at = packages[b + 4];
            for (int list = 0; list < 6; list++) {
                int limit = list < 5 ? groupEnds.length : relationCount;
                if (at < 0 || at >= lists.length || lists[at] < 0 || lists[at] > lists.length - at - 1) {
                    throw damaged("relations of package " + row);
                }
                int end = at + 1 + lists[at];
                for (int k = at + 1; k < end; k++) {
                    if (lists[k] < 0 || lists[k] >= limit) {
                        throw damaged("relations of package " + row);
                    }
                }
                at = end;
            }
        }
        for (int i = 0; i < names.length; i += NAME_INTS) {
            if (!isString(names[i]) || !isRange(names[i + 2], names[i + 3], namedRows.length)
                    || !isRange(names[i + 4], names[i + 5], providerRows.length)) {
                throw damaged("name " + i / NAME_INTS);
            }
            ascendingRows(namedRows, names[i + 2], names[i + 3], packageCount);
            ascendingRows(providerRows, names[i + 4], names[i + 5], packageCount);
        }
        if (Integer.bitCount(slots.length) != 1) {
            throw damaged("hash table size " + slots.length);
        }
        int nameCount = names.length / NAME_INTS;
        for (int s : slots) {
            if (s < 0 || s > nameCount) {
                throw damaged("hash table entry " + s);
            }
        }
        return Collections.unmodifiableSet(archs);
    }

    private boolean isString(int id) {
        return id >= 0 && id < stringEnds.length;
    }

    private static boolean isRange(int start, int count, int length) {
        return start >= 0 && count >= 0 && count <= length - start;
    }

    private static void ascendingRows(int[] rows, int start, int count, int packageCount) throws DebFormatException {
        int previous = -1;
        for (int i = start; i < start + count; i++) {
            if (rows[i] <= previous || rows[i] >= packageCount) {
                throw damaged("row list");
            }
            previous = rows[i];
        }
    }

    private int stringStart(int id) {
        return id == 0 ? 0 : stringEnds[id - 1];
    }

    private String string(int id) {
        String s = stringObjects[id];
        if (s == null) {
            int start = stringStart(id);
            s = new String(stringBytes, start, stringEnds[id] - start, StandardCharsets.UTF_8);
            stringObjects[id] = s;
        }
        return s;
    }

    private Version versionObject(int id) {
        Version v = versionObjects[id];
        if (v == null) {
            v = new Version(versions[3 * id], string(versions[3 * id + 1]), string(versions[3 * id + 2]));
            versionObjects[id] = v;
        }
        return v;
    }

    private Relation relation(int id) {
        Relation r = relationObjects[id];
        if (r == null) {
            int b = 4 * id;
            int arch = relations[b + 1];
            int op = relations[b + 2];
            r = new Relation(string(relations[b]), arch < 0 ? null : string(arch), op < 0 ? null : OPERATORS[op],
                    op < 0 ? null : versionObject(relations[b + 3]), List.of(), List.of());
            relationObjects[id] = r;
        }
        return r;
    }

    private Dependency group(int id) {
        Dependency d = groupObjects[id];
        if (d == null) {
            int start = id == 0 ? 0 : groupEnds[id - 1];
            Relation[] alternatives = new Relation[groupEnds[id] - start];
            for (int k = 0; k < alternatives.length; k++) {
                alternatives[k] = relation(groupAlternatives[start + k]);
            }
            d = new Dependency(List.of(alternatives));
            groupObjects[id] = d;
        }
        return d;
    }

    private List<Dependency> groups(int at) {
        int n = lists[at];
        if (n == 0) {
            return List.of();
        }
        Dependency[] result = new Dependency[n];
        for (int k = 0; k < n; k++) {
            result[k] = group(lists[at + 1 + k]);
        }
        return List.of(result);
    }

    @Override
    public int size() {
        return packageObjects.length;
    }

    @Override
    public PackageVersion get(int row) {
        PackageVersion p = packageObjects[row];
        if (p == null) {
            int b = row * PACKAGE_INTS;
            int flags = packages[b + 3];
            int at = packages[b + 4];
            List<Dependency> pre = groups(at);
            at += 1 + lists[at];
            List<Dependency> dep = groups(at);
            at += 1 + lists[at];
            List<Dependency> rec = groups(at);
            at += 1 + lists[at];
            List<Dependency> con = groups(at);
            at += 1 + lists[at];
            List<Dependency> brk = groups(at);
            at += 1 + lists[at];
            Relation[] provides = new Relation[lists[at]];
            for (int k = 0; k < provides.length; k++) {
                provides[k] = relation(lists[at + 1 + k]);
            }
            p = new PackageVersion(string(packages[b]), versionObject(packages[b + 1]), string(packages[b + 2]),
                    MULTI_ARCH[flags & 3], (flags & 4) != 0, (flags & 8) != 0, pre, dep, rec, con, brk,
                    List.of(provides));
            packageObjects[row] = p;
        }
        return p;
    }

    @Override
    public String name(int row) {
        return string(packages[row * PACKAGE_INTS]);
    }

    @Override
    public String architecture(int row) {
        return string(packages[row * PACKAGE_INTS + 2]);
    }

    @Override
    public Version version(int row) {
        return versionObject(packages[row * PACKAGE_INTS + 1]);
    }

    @Override
    public MultiArch multiArch(int row) {
        return MULTI_ARCH[packages[row * PACKAGE_INTS + 3] & 3];
    }

    @Override
    public int[] rowsNamed(String name) {
        int entry = find(name);
        return entry < 0 ? NONE : Arrays.copyOfRange(namedRows, names[entry + 2], names[entry + 2] + names[entry + 3]);
    }

    @Override
    public int[] rowsProviding(String name) {
        int entry = find(name);
        return entry < 0 ? NONE
                : Arrays.copyOfRange(providerRows, names[entry + 4], names[entry + 4] + names[entry + 5]);
    }

    @Override
    public Set<String> architectures() {
        return architectures;
    }

    private static int slot(int hash, int mask) {
        return spread(hash) & mask;
    }

    /** The name's entry (its first number in {@link #names}), or -1. */
    private int find(String name) {
        int hash = name.hashCode();
        int mask = slots.length - 1;
        for (int i = slot(hash, mask), probes = 0; probes < slots.length; i = (i + 1) & mask, probes++) {
            int entry = slots[i] - 1;
            if (entry < 0) {
                return -1;
            }
            int b = entry * NAME_INTS;
            if (names[b + 1] == hash && string(names[b]).equals(name)) {
                return b;
            }
        }
        return -1;
    }

    // ---- writing ----

    /**
     * The cache of a package list, as the bytes of a file. Of packages with the same name, architecture and
     * version (equal as written) only the first is kept, as {@link PackageTable} requires.
     */
    public static ByteBuffer encode(List<PackageVersion> packages, Origin origin) {
        Writer writer = new Writer();
        packages.forEach(writer::add);
        return writer.finish(origin);
    }

    /**
     * Makes a cache one package version at a time, as {@link #encode} does, so that an index being parsed need not
     * be kept whole: the writer keeps numbers, and each distinct string and dependency group once.
     */
    public static final class Writer {
        private final Tables t = new Tables();
        private final IntList packageInts = new IntList();
        private final IntList lists = new IntList();
        /** Names of packages and of provided packages, numbered in first-seen order: by string number, and back. */
        private final IntList nameOfString = new IntList();
        private final IntList names = new IntList();
        /** Per row: its name's number, and the previous row of the same name (-1 for none). */
        private final IntList rowNames = new IntList();
        private final IntList previousRowOfName = new IntList();
        /** Per name: its last row (-1 for none). */
        private final IntList lastRowOfName = new IntList();
        /** Pairs (name, row) of the Provides of each row, in row order. */
        private final IntList provided = new IntList();

        public void add(PackageVersion p) {
            int name = t.string(p.name());
            int version = t.version(p.version());
            int arch = t.string(p.architecture());
            int nameId = nameId(p.name());
            for (int r = lastRowOfName.get(nameId); r >= 0; r = previousRowOfName.get(r)) {
                int b = r * PACKAGE_INTS;
                if (packageInts.get(b + 1) == version && packageInts.get(b + 2) == arch) {
                    return;
                }
            }
            int row = rowNames.size();
            rowNames.add(nameId);
            previousRowOfName.add(lastRowOfName.get(nameId));
            lastRowOfName.set(nameId, row);
            packageInts.add(name);
            packageInts.add(version);
            packageInts.add(arch);
            packageInts.add(p.multiArch().ordinal() | (p.essential() ? 4 : 0) | (p.protectedPackage() ? 8 : 0));
            packageInts.add(lists.size());
            groups(p.preDepends());
            groups(p.depends());
            groups(p.recommends());
            groups(p.conflicts());
            groups(p.breaks());
            lists.add(p.provides().size());
            for (Relation r : p.provides()) {
                lists.add(t.relation(r));
            }
            int first = provided.size();
            for (Relation r : p.provides()) {
                int providedName = nameId(r.name());
                boolean again = false;
                for (int i = first; i < provided.size() && !again; i += 2) {
                    again = provided.get(i) == providedName;
                }
                if (!again) {
                    provided.add(providedName);
                    provided.add(row);
                }
            }
        }

        private void groups(List<Dependency> field) {
            lists.add(field.size());
            for (Dependency d : field) {
                lists.add(t.group(d));
            }
        }

        private int nameId(String name) {
            int string = t.string(name);
            while (nameOfString.size() <= string) {
                nameOfString.add(-1);
            }
            int id = nameOfString.get(string);
            if (id < 0) {
                id = names.size();
                nameOfString.set(string, id);
                names.add(string);
                lastRowOfName.add(-1);
            }
            return id;
        }

        /** The bytes of the cache file. */
        public ByteBuffer finish(Origin origin) {
            int nameCount = names.size();
            int rows = rowNames.size();
            // Rows grouped by name (a counting sort keeps each group's rows ascending), and providers likewise.
            int[] namedStart = new int[nameCount + 1];
            for (int row = 0; row < rows; row++) {
                namedStart[rowNames.get(row) + 1]++;
            }
            int[] providerStart = new int[nameCount + 1];
            for (int i = 0; i < provided.size(); i += 2) {
                providerStart[provided.get(i) + 1]++;
            }
            for (int n = 0; n < nameCount; n++) {
                namedStart[n + 1] += namedStart[n];
                providerStart[n + 1] += providerStart[n];
            }
            int[] namedRows = new int[rows];
            int[] fill = Arrays.copyOf(namedStart, nameCount);
            for (int row = 0; row < rows; row++) {
                namedRows[fill[rowNames.get(row)]++] = row;
            }
            int[] providerRows = new int[provided.size() / 2];
            fill = Arrays.copyOf(providerStart, nameCount);
            for (int i = 0; i < provided.size(); i += 2) {
                providerRows[fill[provided.get(i)]++] = provided.get(i + 1);
            }
            int capacity = Integer.highestOneBit(Math.max(2, nameCount * 2 - 1)) << 1;
            int[] slots = new int[capacity];
            int[] nameInts = new int[nameCount * NAME_INTS];
            for (int n = 0; n < nameCount; n++) {
                int string = names.get(n);
                int hash = t.strings.strings.get(string).hashCode();
                int b = n * NAME_INTS;
                nameInts[b] = string;
                nameInts[b + 1] = hash;
                nameInts[b + 2] = namedStart[n];
                nameInts[b + 3] = namedStart[n + 1] - namedStart[n];
                nameInts[b + 4] = providerStart[n];
                nameInts[b + 5] = providerStart[n + 1] - providerStart[n];
                int s = slot(hash, capacity - 1);
                while (slots[s] != 0) {
                    s = (s + 1) & (capacity - 1);
                }
                slots[s] = n + 1;
            }
            List<String> strings = t.strings.strings;
            byte[][] encoded = new byte[strings.size()][];
            int[] stringEnds = new int[encoded.length];
            int total = 0;
            for (int i = 0; i < encoded.length; i++) {
                encoded[i] = strings.get(i).getBytes(StandardCharsets.UTF_8);
                total += encoded[i].length;
                stringEnds[i] = total;
            }
            int[][] sections = {stringEnds, t.versions.values.toArray(), t.relations.values.toArray(),
                t.groups.ends.toArray(), t.groups.values.toArray(), packageInts.toArray(), lists.toArray(),
                nameInts, slots, namedRows, providerRows};
            int[] counts = {stringEnds.length, total, t.versions.size(), t.relations.size(), t.groups.size(),
                t.groups.values.size(), rows, lists.size(), nameCount, capacity, namedRows.length,
                providerRows.length};
            long size = 4L * COUNTS + total + 3;
            for (int[] s : sections) {
                size += 4L * s.length;
            }
            ByteBuffer body = ByteBuffer.allocate(Math.toIntExact(size)).order(ByteOrder.LITTLE_ENDIAN);
            putInts(body, counts);
            for (int[] s : sections) {
                putInts(body, s);
            }
            for (byte[] s : encoded) {
                body.put(s);
            }
            body.position(body.position() + (-total & 3));
            body.flip();
            return assemble(origin, body);
        }
    }

    private static void putInts(ByteBuffer buffer, int[] values) {
        buffer.asIntBuffer().put(values);
        buffer.position(buffer.position() + 4 * values.length);
    }

    /** Header, origin and body, with the checksum over all but the header. */
    private static ByteBuffer assemble(Origin origin, ByteBuffer body) {
        byte[] checksum = origin.indexChecksum().getBytes(StandardCharsets.UTF_8);
        byte[] stamp = origin.stamp().getBytes(StandardCharsets.UTF_8);
        int length = HEADER + 4 + padded(checksum.length) + 4 + padded(stamp.length) + body.remaining();
        ByteBuffer out = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putInt(FORMAT).putLong(length).putInt(0);
        for (byte[] s : List.of(checksum, stamp)) {
            out.putInt(s.length).put(s);
            out.position(out.position() + (-s.length & 3));
        }
        out.put(body);
        out.flip();
        seal(out);
        return out;
    }

    /** Sets the checksum of a whole cache file (position 0 to its limit) after its contents. */
    static void seal(ByteBuffer file) {
        file.order(ByteOrder.LITTLE_ENDIAN).putInt(16, checksum(file));
    }

    /** CRC-32C of everything after the header; its intrinsic makes this a few milliseconds for a whole archive. */
    private static int checksum(ByteBuffer file) {
        CRC32C crc = new CRC32C();
        crc.update(file.slice(HEADER, file.limit() - HEADER));
        return (int) crc.getValue();
    }

    private static int padded(int n) {
        return n + (-n & 3);
    }

    /** A growable int array. */
    private static final class IntList {
        private int[] values = new int[16];
        private int size;

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int size() {
            return size;
        }

        int get(int index) {
            return values[index];
        }

        void set(int index, int value) {
            values[index] = value;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }

    /**
     * Numbering of the distinct strings, versions, relations and groups, in first-seen order. Versions, relations
     * and groups are numbered as tuples of the numbers of their parts, never by hashing the records (generated
     * methods, slow before the JIT's last tier); a group object seen before (parsed indexes share equal groups as
     * one object) is found by identity.
     */
    private static final class Tables {
        final StringTable strings = new StringTable();
        final TupleTable versions = new TupleTable();
        final TupleTable relations = new TupleTable();
        final TupleTable groups = new TupleTable();
        private final IdentityTable groupObjects = new IdentityTable();
        private final int[] tuple = new int[4];

        int string(String s) {
            return strings.id(s);
        }

        int version(Version v) {
            int upstream = string(v.upstream());
            int revision = string(v.revision());
            tuple[0] = v.epoch();
            tuple[1] = upstream;
            tuple[2] = revision;
            return versions.intern(tuple, 3);
        }

        int relation(Relation r) {
            int name = string(r.name());
            int arch = r.architecture() == null ? -1 : string(r.architecture());
            int version = r.version() == null ? -1 : version(r.version());
            tuple[0] = name;
            tuple[1] = arch;
            tuple[2] = r.operator() == null ? -1 : r.operator().ordinal();
            tuple[3] = version;
            return relations.intern(tuple, 4);
        }

        int group(Dependency d) {
            int known = groupObjects.get(d);
            if (known >= 0) {
                return known;
            }
            int[] alternatives = new int[d.alternatives().size()];
            for (int k = 0; k < alternatives.length; k++) {
                alternatives[k] = relation(d.alternatives().get(k));
            }
            int id = groups.intern(alternatives, alternatives.length);
            groupObjects.put(d, id);
            return id;
        }
    }

    /**
     * Strings numbered in first-seen order. An open-addressing table of its own: the JDK's maps box every number and
     * make an entry object per string, which the garbage collector then copies while an index is parsed.
     */
    private static final class StringTable {
        final List<String> strings = new ArrayList<>();
        private String[] keys = new String[1 << 14];
        private int[] ids = new int[1 << 14];

        int id(String s) {
            int mask = keys.length - 1;
            for (int i = spread(s.hashCode()) & mask; ; i = (i + 1) & mask) {
                String k = keys[i];
                if (k == null) {
                    int id = strings.size();
                    strings.add(s);
                    keys[i] = s;
                    ids[i] = id;
                    if (strings.size() * 2 > keys.length) {
                        grow();
                    }
                    return id;
                }
                if (k.equals(s)) {
                    return ids[i];
                }
            }
        }

        private void grow() {
            keys = new String[keys.length * 2];
            ids = new int[keys.length];
            int mask = keys.length - 1;
            for (int id = 0; id < strings.size(); id++) {
                String s = strings.get(id);
                int i = spread(s.hashCode()) & mask;
                while (keys[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = s;
                ids[i] = id;
            }
        }
    }

    /** Numbers of objects, by identity (no boxing, no entry objects). */
    private static final class IdentityTable {
        private Object[] keys = new Object[1 << 14];
        private int[] ids = new int[1 << 14];
        private int size;

        /** The object's number, or -1. */
        int get(Object o) {
            int mask = keys.length - 1;
            for (int i = spread(System.identityHashCode(o)) & mask; ; i = (i + 1) & mask) {
                Object k = keys[i];
                if (k == null) {
                    return -1;
                }
                if (k == o) {
                    return ids[i];
                }
            }
        }

        void put(Object o, int id) {
            if (++size * 2 > keys.length) {
                Object[] oldKeys = keys;
                int[] oldIds = ids;
                keys = new Object[keys.length * 2];
                ids = new int[keys.length];
                for (int i = 0; i < oldKeys.length; i++) {
                    if (oldKeys[i] != null) {
                        insert(oldKeys[i], oldIds[i]);
                    }
                }
            }
            insert(o, id);
        }

        private void insert(Object o, int id) {
            int mask = keys.length - 1;
            int i = spread(System.identityHashCode(o)) & mask;
            while (keys[i] != null) {
                i = (i + 1) & mask;
            }
            keys[i] = o;
            ids[i] = id;
        }
    }

    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }

    /**
     * Tuples of ints, each stored once and numbered in first-seen order: {@link #values} holds them one after the
     * other, {@link #ends} where each ends. Found through an open-addressing hash table of their numbers.
     */
    private static final class TupleTable {
        final IntList values = new IntList();
        final IntList ends = new IntList();
        private int[] slots = new int[1 << 12];

        int size() {
            return ends.size();
        }

        int intern(int[] tuple, int length) {
            int mask = slots.length - 1;
            for (int s = hash(tuple, 0, length) & mask; ; s = (s + 1) & mask) {
                int id = slots[s] - 1;
                if (id < 0) {
                    id = ends.size();
                    for (int i = 0; i < length; i++) {
                        values.add(tuple[i]);
                    }
                    ends.add(values.size());
                    slots[s] = id + 1;
                    if (ends.size() * 2 > slots.length) {
                        grow();
                    }
                    return id;
                }
                if (equal(id, tuple, length)) {
                    return id;
                }
            }
        }

        private int start(int id) {
            return id == 0 ? 0 : ends.get(id - 1);
        }

        private boolean equal(int id, int[] tuple, int length) {
            int start = start(id);
            if (ends.get(id) - start != length) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                if (values.get(start + i) != tuple[i]) {
                    return false;
                }
            }
            return true;
        }

        private static int hash(int[] values, int from, int to) {
            int h = 1;
            for (int i = from; i < to; i++) {
                h = 31 * h + values[i];
            }
            return spread(h);
        }

        private void grow() {
            slots = new int[slots.length * 2];
            int mask = slots.length - 1;
            int[] all = values.toArray();
            for (int id = 0; id < ends.size(); id++) {
                int s = hash(all, start(id), ends.get(id)) & mask;
                while (slots[s] != 0) {
                    s = (s + 1) & mask;
                }
                slots[s] = id + 1;
            }
        }
    }
}
