package org.aptostree.solver;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;

import org.aptostree.deb.control.Relation;
import org.aptostree.deb.index.MultiArch;
import org.aptostree.deb.version.Version;

/**
 * Everything the solver may choose from: the available package versions (from Packages indexes, each
 * with an apt pin priority) and the installed ones, for a native architecture and optional foreign ones.
 * Package versions are numbered internally (their index in {@link #packages()}).
 *
 * <p>Its answers never change once built, but it works them out when first asked: a name's candidate, its
 * versions in order of preference and its providers are settled the first time a solver run looks at that
 * name, and a package version is only made from its {@link PackageTable} when used. A request against a
 * whole archive touches a few thousand of its tens of thousands of packages. Because of this lazy state, one
 * universe is for one thread at a time.
 */
public final class Universe {
    /** apt's priority of a version that is only installed (not in any index). */
    public static final int INSTALLED_ONLY_PRIORITY = 100;
    /** apt's default priority of an index that is not the target release. */
    public static final int DEFAULT_PRIORITY = 500;
    private static final int[] NONE = new int[0];

    private final String nativeArchitecture;
    private final Set<String> architectures;
    /** The tables the packages come from, in numbering order. */
    private final Segment[] segments;
    private final int size;
    private final List<PackageVersion> packageList;
    /** Package versions made so far (null until used). */
    private final PackageVersion[] made;
    /** Packages found in more than one file: all their files (the others have their segment's file). */
    private final Map<Integer, List<PackageFile>> files;
    private final boolean[] installed;
    private final Set<String> holds;
    private final Set<String> automaticNames;
    private final Set<Integer> forcedCandidates;
    private final List<PreferencePin> generalPins = new ArrayList<>();
    private final List<PreferencePin> specificPins = new ArrayList<>();
    /** Files are made once each by the builder, so they can be told apart by identity (cheaper than by Release). */
    private final Map<PackageFile, Integer> filePriorities = new IdentityHashMap<>();

    // Worked out when first needed: per package (priority), per name (the rest).
    private final int[] priority;
    private final boolean[] priorityKnown;
    /** True once the package's name has been settled (the fields below are valid for it). */
    private final boolean[] settled;
    private final boolean[] held;
    private final boolean[] automatic;
    private final boolean[] candidate;
    /** For each package: the candidate and the installed version of its name:arch (-1 when none). */
    private final int[] candidateOf;
    private final int[] installedOf;
    private final Map<String, int[]> byName = new HashMap<>();
    private final Map<String, int[]> providers = new HashMap<>();
    /** Orders used when several packages satisfy a relation: installed, then candidates, then newer. */
    private final Comparator<Integer> preference;

    private Universe(Builder b) {
        this.nativeArchitecture = b.nativeArchitecture;
        this.architectures = Collections.unmodifiableSet(new LinkedHashSet<>(b.architectures));
        b.closeLooseRun();
        this.segments = new Segment[b.runs.size()];
        for (int i = 0; i < segments.length; i++) {
            segments[i] = b.runs.get(i).segment();
        }
        this.size = b.nextId;
        this.made = new PackageVersion[size];
        this.files = new HashMap<>(b.files);
        this.installed = new boolean[size];
        for (int id : b.installedIds) {
            installed[id] = true;
        }
        this.holds = Set.copyOf(b.holds);
        this.automaticNames = Set.copyOf(b.automatic);
        this.forcedCandidates = Set.copyOf(b.forcedCandidates);
        if (b.defaultRelease != null) {
            generalPins.add(b.defaultRelease); // ahead of every preferences file, as apt does
        }
        for (PreferencePin pin : b.pins) {
            (pin.isGeneral() ? generalPins : specificPins).add(pin);
        }
        this.priority = new int[size];
        this.priorityKnown = new boolean[size];
        this.settled = new boolean[size];
        this.held = new boolean[size];
        this.automatic = new boolean[size];
        this.candidate = new boolean[size];
        this.candidateOf = new int[size];
        this.installedOf = new int[size];
        this.preference = Comparator.<Integer>comparingInt(id -> installed[id] ? 0 : 1)
                .thenComparingInt(id -> candidate[id] ? 0 : 1)
                .thenComparing(this::nameOf)
                .thenComparing(this::architectureOf)
                .thenComparing((x, y) -> versionOf(y).compareTo(versionOf(x)));
        this.packageList = new AbstractList<>() {
            @Override
            public PackageVersion get(int index) {
                Objects.checkIndex(index, size);
                return Universe.this.get(index);
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /**
     * Settles a name: for each of its architectures the installed version (held, automatic) and the candidate;
     * then its versions in order of preference.
     */
    private int[] settleName(String name) {
        int[] ids = idsIn(name, false);
        for (int i = 0; i < ids.length; i++) {
            int first = ids[i];
            String arch = architectureOf(first);
            boolean seenBefore = false;
            for (int j = 0; j < i && !seenBefore; j++) {
                seenBefore = architectureOf(ids[j]).equals(arch);
            }
            if (seenBefore) {
                continue;
            }
            List<Integer> group = new ArrayList<>(ids.length);
            int inst = -1;
            for (int j = i; j < ids.length; j++) {
                int id = ids[j];
                if (architectureOf(id).equals(arch)) {
                    group.add(id);
                    if (installed[id]) {
                        inst = id;
                    }
                }
            }
            if (inst >= 0) {
                held[inst] = holds.contains(name) || holds.contains(name + ":" + arch);
                automatic[inst] = automaticNames.contains(name + ":" + arch)
                        || (arch.equals(nativeArchitecture) || arch.equals("all")) && automaticNames.contains(name);
            }
            int chosen = -1;
            for (int id : group) {
                if (forcedCandidates.contains(id)) {
                    chosen = id;
                }
            }
            if (chosen < 0) {
                chosen = chooseCandidate(group, inst);
            }
            if (chosen >= 0) {
                candidate[chosen] = true;
            }
            for (int id : group) {
                candidateOf[id] = chosen;
                installedOf[id] = inst;
                settled[id] = true;
            }
        }
        return sorted(ids);
    }

    private void settle(int id) {
        if (!settled[id]) {
            idsByName(nameOf(id));
        }
    }

    private int[] sorted(int[] ids) {
        if (ids.length < 2) {
            return ids;
        }
        Integer[] boxed = new Integer[ids.length];
        for (int i = 0; i < ids.length; i++) {
            boxed[i] = ids[i];
        }
        Arrays.sort(boxed, preference); // stable, like the List.sort it replaces
        int[] result = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            result[i] = boxed[i];
        }
        return result;
    }

    /** The package numbers named {@code name} (or providing it), ascending: the tables' rows, numbered. */
    private int[] idsIn(String name, boolean provided) {
        int[] result = NONE;
        for (Segment s : segments) {
            int[] rows = provided ? s.table().rowsProviding(name) : s.table().rowsNamed(name);
            if (rows.length == 0) {
                continue;
            }
            int[] ids = new int[rows.length];
            int n = 0;
            for (int row : rows) {
                int id = s.id(row);
                if (id >= 0) {
                    ids[n++] = id;
                }
            }
            if (result.length == 0) {
                result = Arrays.copyOf(ids, n);
            } else {
                int[] joined = Arrays.copyOf(result, result.length + n);
                System.arraycopy(ids, 0, joined, result.length, n);
                result = joined;
            }
        }
        return result;
    }

    private Segment segmentOf(int id) {
        for (Segment s : segments) {
            if (id < s.base() + s.count()) {
                return s;
            }
        }
        throw new IndexOutOfBoundsException(id);
    }

    private String nameOf(int id) {
        PackageVersion p = made[id];
        if (p != null) {
            return p.name();
        }
        Segment s = segmentOf(id);
        return s.table().name(s.row(id));
    }

    private String architectureOf(int id) {
        PackageVersion p = made[id];
        if (p != null) {
            return p.architecture();
        }
        Segment s = segmentOf(id);
        return s.table().architecture(s.row(id));
    }

    private Version versionOf(int id) {
        PackageVersion p = made[id];
        if (p != null) {
            return p.version();
        }
        Segment s = segmentOf(id);
        return s.table().version(s.row(id));
    }

    private MultiArch multiArchOf(int id) {
        PackageVersion p = made[id];
        if (p != null) {
            return p.multiArch();
        }
        Segment s = segmentOf(id);
        return s.table().multiArch(s.row(id));
    }

    private List<PackageFile> filesOf(int id) {
        List<PackageFile> several = files.get(id);
        if (several != null) {
            return several;
        }
        Segment s = segmentOf(id);
        return List.of(s.file(id));
    }

    /**
     * apt's candidate (pkgPolicy::GetCandidateVer): the highest priority above 0, the highest version among
     * equals; a version older than the installed one only with priority 1000 or more. -1 when no version
     * qualifies (all pinned to 0 or below, or only downgrades).
     */
    private int chooseCandidate(List<Integer> ids, int installedId) {
        List<Integer> newestFirst = new ArrayList<>(ids);
        newestFirst.sort((x, y) -> versionOf(y).compareTo(versionOf(x)));
        int best = -1;
        int bestPriority = -1;
        for (int id : newestFirst) {
            int p = priority(id);
            if (p == 0 || p <= bestPriority) {
                continue;
            }
            if (installedId >= 0 && p < 1000
                    && versionOf(id).compareTo(versionOf(installedId)) < 0) {
                continue;
            }
            best = id;
            bestPriority = p;
        }
        return best;
    }

    /**
     * An index's priority (pkgPolicy::InitDefaults): fixed when the caller gave one, else the Release's default,
     * replaced by the first general pin that matches; a {@code never} pin overrides even that.
     */
    private static int filePriority(PackageFile file, List<PreferencePin> generalPins) {
        if (file.fixedPriority() != null) {
            return file.fixedPriority();
        }
        int result = file.release().defaultPriority();
        boolean fixed = false;
        for (PreferencePin pin : generalPins) {
            if ((!fixed || pin.priority() == PreferencePin.NEVER) && result != PreferencePin.NEVER
                    && pin.selects(null, file.release())) {
                result = pin.priority();
                fixed = true;
            }
        }
        return result;
    }

    /**
     * A version's priority (pkgPolicy::GetPriority): the first specific pin naming it and selecting it, unless all
     * its indexes are pinned {@code never}; else the highest priority of the indexes it is found in.
     */
    private int versionPriority(int id) {
        List<PackageFile> found = filesOf(id);
        int best = Integer.MIN_VALUE;
        boolean allNever = true;
        for (PackageFile f : found) {
            int fp = filePriorities.computeIfAbsent(f, x -> filePriority(x, generalPins));
            best = Math.max(best, fp);
            allNever &= fp == PreferencePin.NEVER;
        }
        if (!allNever && !specificPins.isEmpty()) {
            PackageVersion p = get(id);
            for (PreferencePin pin : specificPins) {
                if (!pin.namesPackage(p, nativeArchitecture)) {
                    continue;
                }
                for (PackageFile f : found) {
                    if (pin.selects(p, f.release())) {
                        return pin.priority();
                    }
                }
            }
        }
        return best;
    }

    public static Builder builder(String nativeArchitecture) {
        return new Builder(nativeArchitecture);
    }

    public String nativeArchitecture() {
        return nativeArchitecture;
    }

    /** Native first, then foreign architectures. */
    public Set<String> architectures() {
        return architectures;
    }

    /** Every package version, in numbering order (made as they are read). */
    public List<PackageVersion> packages() {
        return packageList;
    }

    public List<PackageVersion> installedPackages() {
        List<PackageVersion> result = new ArrayList<>();
        for (int i = 0; i < installed.length; i++) {
            if (installed[i]) {
                result.add(get(i));
            }
        }
        return result;
    }

    /** All versions (all architectures) of a real package name. */
    public List<PackageVersion> versions(String name) {
        return Arrays.stream(idsByName(name)).mapToObj(this::get).toList();
    }

    /** The version apt would install for {@code name:arch}. */
    public Optional<PackageVersion> candidate(String name, String architecture) {
        int id = candidateId(name, architecture);
        return id < 0 ? Optional.empty() : Optional.of(get(id));
    }

    public Optional<PackageVersion> installedVersion(String name, String architecture) {
        int id = installedId(name, architecture);
        return id < 0 ? Optional.empty() : Optional.of(get(id));
    }

    // ---- internal, by package number ----

    int size() {
        return size;
    }

    PackageVersion get(int id) {
        PackageVersion p = made[id];
        if (p == null) {
            Segment s = segmentOf(id);
            p = s.table().get(s.row(id));
            made[id] = p;
        }
        return p;
    }

    int priority(int id) {
        if (!priorityKnown[id]) {
            priority[id] = versionPriority(id);
            priorityKnown[id] = true;
        }
        return priority[id];
    }

    /** The pin priority of a version, as {@code apt-cache policy} shows it. */
    public OptionalInt priority(PackageVersion p) {
        for (int id : idsByName(p.name())) {
            PackageVersion q = get(id);
            if (q.architecture().equals(p.architecture()) && q.version().equals(p.version())) {
                return OptionalInt.of(priority(id));
            }
        }
        return OptionalInt.empty();
    }

    boolean isInstalled(int id) {
        return installed[id];
    }

    boolean isHeld(int id) {
        settle(id);
        return held[id];
    }

    /** Installed only to satisfy other packages (apt's extended_states {@code Auto-Installed: 1}). */
    boolean isAutomatic(int id) {
        settle(id);
        return automatic[id];
    }

    boolean isCandidate(int id) {
        settle(id);
        return candidate[id];
    }

    /** The candidate of {@code name:arch}, or -1. */
    int candidateId(String name, String architecture) {
        for (int id : idsByName(name)) {
            if (architectureOf(id).equals(architecture)) {
                return candidateOf[id];
            }
        }
        return -1;
    }

    /** The installed version of {@code name:arch}, or -1. */
    int installedId(String name, String architecture) {
        for (int id : idsByName(name)) {
            if (architectureOf(id).equals(architecture)) {
                return installedOf[id];
            }
        }
        return -1;
    }

    /** The candidate of the package's own name:arch. */
    int candidateOf(int id) {
        settle(id);
        return candidateOf[id];
    }

    /** The versions of a name, installed first, then candidates, then newer. Callers must not change it. */
    int[] idsByName(String name) {
        int[] ids = byName.get(name);
        if (ids == null) {
            ids = settleName(name);
            byName.put(name, ids);
        }
        return ids;
    }

    /** The providers of a name, in the same order as {@link #idsByName}. Callers must not change it. */
    int[] idsProviding(String name) {
        int[] ids = providers.get(name);
        if (ids == null) {
            ids = idsIn(name, true);
            for (int id : ids) {
                settle(id);
            }
            ids = sorted(ids);
            providers.put(name, ids);
        }
        return ids;
    }

    /** The architecture a package counts as for dependencies: {@code all} counts as native. */
    String effectiveArchitecture(PackageVersion p) {
        return "all".equals(p.architecture()) ? nativeArchitecture : p.architecture();
    }

    /**
     * The packages that satisfy {@code relation} written in a field of package {@code from}: real packages first
     * (installed, candidate, newer), then providers. For Conflicts and Breaks ({@code conflict} true) an
     * unqualified relation means any architecture, and a package never conflicts with its own name.
     */
    int[] satisfiers(int from, Relation relation, boolean conflict) {
        PackageVersion depender = get(from);
        String dependerArch = effectiveArchitecture(depender);
        int[] real = idsByName(relation.name());
        int[] virtual = idsProviding(relation.name());
        int[] out = new int[real.length + virtual.length];
        int n = 0;
        if (!(conflict && relation.name().equals(depender.name()))) {
            for (int id : real) {
                if (relation.allows(versionOf(id)) && architectureMatches(dependerArch, relation, id, conflict)) {
                    out[n++] = id;
                }
            }
        }
        for (int id : virtual) {
            if (conflict && nameOf(id).equals(depender.name())) {
                continue; // a package may conflict with a virtual package it provides itself
            }
            if (!architectureMatches(dependerArch, relation, id, conflict)) {
                continue;
            }
            for (Relation provide : get(id).provides()) {
                if (!provide.name().equals(relation.name())) {
                    continue;
                }
                // Unversioned Provides never satisfy a versioned relation (dpkg ≥ 1.17.11 semantics).
                if (!relation.isVersioned()
                        || (provide.isVersioned() && relation.allows(provide.version()))) {
                    if (!contains(out, n, id)) {
                        out[n++] = id;
                    }
                    break;
                }
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static boolean contains(int[] array, int n, int value) {
        for (int i = 0; i < n; i++) {
            if (array[i] == value) {
                return true;
            }
        }
        return false;
    }

    /** Whether package {@code id} has an architecture that {@code relation}, written by a package of {@code dependerArch}, accepts. */
    private boolean architectureMatches(String dependerArch, Relation relation, int id, boolean conflict) {
        String qualifier = relation.architecture();
        String arch = architectureOf(id);
        String targetArch = "all".equals(arch) ? nativeArchitecture : arch;
        MultiArch multiArch = multiArchOf(id);
        if (qualifier == null) {
            if (conflict) {
                return true;
            }
            return targetArch.equals(dependerArch) || multiArch == MultiArch.FOREIGN;
        }
        if (qualifier.equals("any")) {
            // pkg:any is meant for Multi-Arch: allowed; foreign packages satisfy any architecture anyway.
            return multiArch == MultiArch.ALLOWED || multiArch == MultiArch.FOREIGN
                    || targetArch.equals(dependerArch);
        }
        if (qualifier.equals("native")) {
            return targetArch.equals(nativeArchitecture);
        }
        return targetArch.equals(qualifier);
    }

    /**
     * Where a version was found: an index with its Release attributes, an index with a priority given by the caller
     * ({@code fixedPriority}, not subject to general pins), or the dpkg status file.
     */
    private record PackageFile(IndexRelease release, Integer fixedPriority) {
        static final PackageFile STATUS = new PackageFile(IndexRelease.STATUS, null);
    }

    /**
     * A table's part of the numbering: packages {@code base … base+count-1} are rows of {@code table}, all of them
     * in order ({@code rows} null), or those listed in {@code rows} (the others being of another architecture or
     * already known); {@code ids} maps rows back (-1 for a row left out). Each package was found in {@code file},
     * or, for packages added one by one, in {@code rowFiles}'s entry.
     */
    private record Segment(PackageTable table, int base, int count, int[] rows, int[] ids, PackageFile file,
            List<PackageFile> rowFiles) {
        int row(int id) {
            return rows == null ? id - base : rows[id - base];
        }

        int id(int row) {
            return ids == null ? base + row : ids[row];
        }

        PackageFile file(int id) {
            return file != null ? file : rowFiles.get(id - base);
        }
    }

    /** A segment in the making: packages added one by one, or a whole table. */
    private interface Run {
        Segment segment();

        int base();

        int count();

        PackageFile file(int id);

        /** The number of the package {@code name:architecture} at {@code version} in this run, or -1. */
        int find(String name, String architecture, Version version);
    }

    private static final class LooseRun implements Run {
        final int base;
        final List<PackageVersion> packages = new ArrayList<>();
        final List<PackageFile> files = new ArrayList<>();
        final Map<String, List<Integer>> idsByName = new HashMap<>();

        LooseRun(int base) {
            this.base = base;
        }

        @Override
        public Segment segment() {
            return new Segment(new ListPackageTable(packages), base, packages.size(), null, null, null,
                    List.copyOf(files));
        }

        @Override
        public int base() {
            return base;
        }

        @Override
        public int count() {
            return packages.size();
        }

        @Override
        public PackageFile file(int id) {
            return files.get(id - base);
        }

        @Override
        public int find(String name, String architecture, Version version) {
            List<Integer> ids = idsByName.get(name);
            if (ids != null) {
                for (int id : ids) {
                    PackageVersion q = packages.get(id - base);
                    if (q.architecture().equals(architecture) && q.version().equals(version)) {
                        return id;
                    }
                }
            }
            return -1;
        }
    }

    private record TableRun(Segment segment) implements Run {
        @Override
        public int base() {
            return segment.base();
        }

        @Override
        public int count() {
            return segment.count();
        }

        @Override
        public PackageFile file(int id) {
            return segment.file(id);
        }

        @Override
        public int find(String name, String architecture, Version version) {
            PackageTable table = segment.table();
            for (int row : table.rowsNamed(name)) {
                int id = segment.id(row);
                if (id >= 0 && table.architecture(row).equals(architecture) && table.version(row).equals(version)) {
                    return id;
                }
            }
            return -1;
        }
    }

    /** Collects packages; later additions of an already known name, architecture and version only raise its priority. */
    public static final class Builder {
        private final String nativeArchitecture;
        private final Set<String> architectures = new LinkedHashSet<>();
        private final List<Run> runs = new ArrayList<>();
        private LooseRun loose;
        private int nextId;
        /** Packages found in several files, with all their files. */
        private final Map<Integer, List<PackageFile>> files = new HashMap<>();
        private final Set<Integer> installedIds = new HashSet<>();
        private final Set<String> holds = new HashSet<>();
        private final Set<Integer> forcedCandidates = new HashSet<>();
        private final List<PreferencePin> pins = new ArrayList<>();
        private final Map<Integer, PackageFile> fixedFiles = new HashMap<>();
        /** By identity: hashing a Release's attributes (a record) costs more than it saves; equal ones stay equal. */
        private final Map<IndexRelease, PackageFile> releaseFiles = new IdentityHashMap<>();
        private PreferencePin defaultRelease;
        private final Set<String> automatic = new HashSet<>();

        private Builder(String nativeArchitecture) {
            this.nativeArchitecture = Objects.requireNonNull(nativeArchitecture, "nativeArchitecture");
            architectures.add(nativeArchitecture);
        }

        public Builder foreignArchitecture(String architecture) {
            architectures.add(architecture);
            return this;
        }

        /**
         * Adds a version from an index with a priority decided by the caller (EDSP's APT-Pin, or a test): general
         * pins do not change it, specific pins do. Versions of unconfigured architectures are ignored.
         */
        public Builder addAvailable(PackageVersion p, int pinPriority) {
            add(p, fixedFile(pinPriority), false);
            return this;
        }

        /**
         * Adds a version from an index with these Release attributes: its priority is the Release's default
         * (500), or that of the first general pin matching the index, unless a specific pin names it.
         */
        public Builder addAvailable(PackageVersion p, IndexRelease release) {
            add(p, releaseFile(release), false);
            return this;
        }

        /** Adds every version of a table, as {@link #addAvailable(PackageVersion, int)} would one by one. */
        public Builder addAvailable(PackageTable table, int pinPriority) {
            addTable(table, fixedFile(pinPriority));
            return this;
        }

        /** Adds every version of a table, as {@link #addAvailable(PackageVersion, IndexRelease)} would one by one. */
        public Builder addAvailable(PackageTable table, IndexRelease release) {
            addTable(table, releaseFile(release));
            return this;
        }

        private PackageFile fixedFile(int pinPriority) {
            return fixedFiles.computeIfAbsent(pinPriority, x -> new PackageFile(IndexRelease.UNKNOWN, x));
        }

        private PackageFile releaseFile(IndexRelease release) {
            return releaseFiles.computeIfAbsent(release, x -> new PackageFile(x, null));
        }

        /** Adds an installed version (from a dpkg status file or a commit's package list). */
        public Builder addInstalled(PackageVersion p) {
            add(p, PackageFile.STATUS, true);
            return this;
        }

        /** Adds the pins of apt_preferences files, after those already given (order matters: first match wins). */
        public Builder preferences(AptPreferences preferences) {
            pins.addAll(preferences.pins());
            return this;
        }

        /**
         * The target release ({@code apt-get -t}, APT::Default-Release): a general release pin at 990 ahead of
         * all preferences, e.g. {@code trixie-backports} or {@code a=stable}.
         */
        public Builder defaultRelease(String release) {
            defaultRelease = PreferencePin.of("*", PreferencePin.ReleaseSelector.parse(release), 990,
                    "APT::Default-Release");
            return this;
        }

        /** Holds an installed package ({@code name} or {@code name:arch}) at its version, like {@code apt-mark hold}. */
        public Builder hold(String nameOrNameArch) {
            holds.add(nameOrNameArch);
            return this;
        }

        /**
         * Marks an installed package ({@code name} for the native architecture, or {@code name:arch}) as
         * automatically installed: unlike manually installed ones, it may be removed when the request needs it.
         */
        public Builder markAutomatic(String nameOrNameArch) {
            automatic.add(nameOrNameArch);
            return this;
        }

        /**
         * Gives one version of a package another priority, as an apt_preferences stanza {@code Package: name},
         * {@code Pin: version V}, {@code Pin-Priority: P} does (1001 and more even allows downgrades).
         */
        public Builder pin(String name, String version, int pinPriority) {
            pins.add(PreferencePin.of(name, PreferencePin.VersionSelector.parse(version), pinPriority, "pin"));
            return this;
        }

        /**
         * Makes an already added version the candidate of its {@code name:arch}, overriding the priority
         * rule; EDSP gives apt's own choice this way ({@code APT-Candidate: yes}).
         */
        public Builder candidate(PackageVersion p) {
            int id = find(p.name(), p.architecture(), p.version());
            if (id >= 0) {
                forcedCandidates.add(id);
            }
            return this;
        }

        /** The number of the same name, architecture and version (equal as written), or -1. */
        private int find(String name, String architecture, Version version) {
            for (Run run : runs) {
                int id = run.find(name, architecture, version);
                if (id >= 0) {
                    return id;
                }
            }
            return loose == null ? -1 : loose.find(name, architecture, version);
        }

        private boolean configured(String architecture) {
            return architecture.equals("all") || architectures.contains(architecture);
        }

        private void add(PackageVersion p, PackageFile file, boolean isInstalled) {
            if (!configured(p.architecture())) {
                return;
            }
            int existing = find(p.name(), p.architecture(), p.version());
            if (existing < 0) {
                if (loose == null) {
                    loose = new LooseRun(nextId);
                }
                int id = nextId++;
                loose.packages.add(p);
                loose.files.add(file);
                loose.idsByName.computeIfAbsent(p.name(), k -> new ArrayList<>(1)).add(id);
                if (isInstalled) {
                    installedIds.add(id);
                }
                return;
            }
            addFile(existing, file, isInstalled ? null : () -> p);
            if (isInstalled) {
                installedIds.add(existing);
            }
        }

        /**
         * Records that a known package is also in {@code file}. {@code indexCopy} is the version as that file
         * has it (null for the status file): it replaces a copy that only the status file had, which may lack fields.
         */
        private void addFile(int id, PackageFile file, Supplier<PackageVersion> indexCopy) {
            List<PackageFile> known = files.get(id);
            if (known == null) {
                known = new ArrayList<>(2);
                known.add(runOf(id).file(id));
                files.put(id, known);
            }
            if (indexCopy != null && known.size() == 1 && known.get(0) == PackageFile.STATUS) {
                // Only packages added one by one come from the status file.
                LooseRun run = (LooseRun) runOf(id);
                run.packages.set(id - run.base, indexCopy.get());
            }
            if (!known.contains(file)) {
                known.add(file);
            }
        }

        private Run runOf(int id) {
            if (loose != null && id >= loose.base) {
                return loose;
            }
            for (Run run : runs) {
                if (id < run.base() + run.count()) {
                    return run;
                }
            }
            throw new IndexOutOfBoundsException(id);
        }

        /**
         * A whole table in one step. Without packages before it and with only configured architectures (one index,
         * the usual case) its rows are numbered as they are, without looking at any of them.
         */
        private void addTable(PackageTable table, PackageFile file) {
            closeLooseRun();
            boolean filter = false;
            for (String arch : table.architectures()) {
                filter |= !configured(arch);
            }
            int base = nextId;
            if (!filter && base == 0) {
                runs.add(new TableRun(new Segment(table, base, table.size(), null, null, file, null)));
                nextId += table.size();
                return;
            }
            int[] ids = new int[table.size()];
            int[] rows = new int[table.size()];
            int count = 0;
            for (int row = 0; row < ids.length; row++) {
                ids[row] = -1;
                String arch = table.architecture(row);
                if (filter && !configured(arch)) {
                    continue;
                }
                int existing = base == 0 ? -1 : find(table.name(row), arch, table.version(row));
                if (existing >= 0) {
                    int tableRow = row;
                    addFile(existing, file, () -> table.get(tableRow));
                    continue;
                }
                ids[row] = base + count;
                rows[count++] = row;
            }
            runs.add(new TableRun(new Segment(table, base, count, Arrays.copyOf(rows, count), ids, file, null)));
            nextId += count;
        }

        /** Ends the current run of packages added one by one (the next one starts a new run). */
        private void closeLooseRun() {
            if (loose != null) {
                runs.add(loose);
                loose = null;
            }
        }

        public Universe build() {
            return new Universe(this);
        }
    }
}
