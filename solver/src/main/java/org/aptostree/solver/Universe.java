package org.aptostree.solver;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import org.aptostree.deb.control.Relation;
import org.aptostree.deb.index.MultiArch;

/**
 * Everything the solver may choose from: the available package versions (from Packages indexes, each
 * with an apt pin priority) and the installed ones, for a native architecture and optional foreign ones.
 * Immutable once built. Package versions are numbered internally (their index in {@link #packages()}).
 */
public final class Universe {
    /** apt's priority of a version that is only installed (not in any index). */
    public static final int INSTALLED_ONLY_PRIORITY = 100;
    /** apt's default priority of an index that is not the target release. */
    public static final int DEFAULT_PRIORITY = 500;

    private final String nativeArchitecture;
    private final Set<String> architectures;
    private final List<PackageVersion> packages;
    private final int[] priority;
    private final boolean[] installed;
    private final boolean[] held;
    private final boolean[] automatic;
    private final boolean[] candidate;
    /** For each package: the candidate and the installed version of its name:arch (-1 when none). */
    private final int[] candidateOf;
    private final int[] installedOf;
    private final Map<String, int[]> byName;
    private final Map<String, int[]> providers;

    private Universe(Builder b) {
        this.nativeArchitecture = b.nativeArchitecture;
        this.architectures = Collections.unmodifiableSet(new LinkedHashSet<>(b.architectures));
        this.packages = List.copyOf(b.packages);
        int n = packages.size();
        this.priority = new int[n];
        this.installed = new boolean[n];
        this.held = new boolean[n];
        this.automatic = new boolean[n];
        this.candidate = new boolean[n];
        this.candidateOf = new int[n];
        this.installedOf = new int[n];
        List<PreferencePin> generalPins = new ArrayList<>();
        if (b.defaultRelease != null) {
            generalPins.add(b.defaultRelease); // ahead of every preferences file, as apt does
        }
        List<PreferencePin> specificPins = new ArrayList<>();
        for (PreferencePin pin : b.pins) {
            (pin.isGeneral() ? generalPins : specificPins).add(pin);
        }
        Map<PackageFile, Integer> filePriorities = new HashMap<>();
        for (int i = 0; i < n; i++) {
            priority[i] = versionPriority(packages.get(i), b.filesOf.get(i), specificPins,
                    f -> filePriorities.computeIfAbsent(f, x -> filePriority(x, generalPins)));
        }
        for (int id : b.installedIds) {
            installed[id] = true;
        }
        Map<String, List<Integer>> provided = new HashMap<>();
        for (int i = 0; i < n; i++) {
            List<Relation> provides = packages.get(i).provides();
            for (int k = 0; k < provides.size(); k++) {
                String name = provides.get(k).name();
                List<Integer> ids = provided.computeIfAbsent(name, x -> new ArrayList<>(2));
                if (ids.isEmpty() || ids.get(ids.size() - 1) != i) {
                    ids.add(i);
                }
            }
        }
        // Group each name's versions by architecture (lists are tiny) to find installed and candidate versions.
        for (List<Integer> ids : b.idsByName.values()) {
            for (int i = 0; i < ids.size(); i++) {
                int first = ids.get(i);
                String arch = packages.get(first).architecture();
                boolean seenBefore = false;
                for (int j = 0; j < i && !seenBefore; j++) {
                    seenBefore = packages.get(ids.get(j)).architecture().equals(arch);
                }
                if (seenBefore) {
                    continue;
                }
                List<Integer> group = new ArrayList<>(ids.size());
                int inst = -1;
                for (int j = i; j < ids.size(); j++) {
                    int id = ids.get(j);
                    if (packages.get(id).architecture().equals(arch)) {
                        group.add(id);
                        if (installed[id]) {
                            inst = id;
                        }
                    }
                }
                if (inst >= 0) {
                    PackageVersion p = packages.get(inst);
                    held[inst] = b.holds.contains(p.name()) || b.holds.contains(p.name() + ":" + arch);
                    automatic[inst] = b.automatic.contains(p.name() + ":" + arch)
                            || (arch.equals(nativeArchitecture) || arch.equals("all")) && b.automatic.contains(p.name());
                }
                int chosen = -1;
                for (int id : group) {
                    if (b.forcedCandidates.contains(id)) {
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
                }
            }
        }
        // Orders used when several packages satisfy a relation: installed, then candidates, then newer.
        Comparator<Integer> preference = Comparator.<Integer>comparingInt(id -> installed[id] ? 0 : 1)
                .thenComparingInt(id -> candidate[id] ? 0 : 1)
                .thenComparing(id -> packages.get(id).name())
                .thenComparing(id -> packages.get(id).architecture())
                .thenComparing((x, y) -> packages.get(y).version().compareTo(packages.get(x).version()));
        this.byName = sortedIndex(b.idsByName, preference);
        this.providers = sortedIndex(provided, preference);
    }

    private static Map<String, int[]> sortedIndex(Map<String, List<Integer>> index, Comparator<Integer> order) {
        Map<String, int[]> result = new HashMap<>(index.size() * 2);
        for (Map.Entry<String, List<Integer>> e : index.entrySet()) {
            List<Integer> ids = e.getValue();
            if (ids.size() > 1) {
                ids = new ArrayList<>(ids);
                ids.sort(order);
            }
            int[] array = new int[ids.size()];
            for (int i = 0; i < array.length; i++) {
                array[i] = ids.get(i);
            }
            result.put(e.getKey(), array);
        }
        return result;
    }

    /**
     * apt's candidate (pkgPolicy::GetCandidateVer): the highest priority above 0, the highest version among
     * equals; a version older than the installed one only with priority 1000 or more. -1 when no version
     * qualifies (all pinned to 0 or below, or only downgrades).
     */
    private int chooseCandidate(List<Integer> ids, int installedId) {
        List<Integer> newestFirst = new ArrayList<>(ids);
        newestFirst.sort((x, y) -> packages.get(y).version().compareTo(packages.get(x).version()));
        int best = -1;
        int bestPriority = -1;
        for (int id : newestFirst) {
            int p = priority[id];
            if (p == 0 || p <= bestPriority) {
                continue;
            }
            if (installedId >= 0 && p < 1000
                    && packages.get(id).version().compareTo(packages.get(installedId).version()) < 0) {
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
    private int versionPriority(PackageVersion p, List<PackageFile> files, List<PreferencePin> specificPins,
            java.util.function.ToIntFunction<PackageFile> filePriority) {
        int best = Integer.MIN_VALUE;
        boolean allNever = true;
        for (PackageFile f : files) {
            int fp = filePriority.applyAsInt(f);
            best = Math.max(best, fp);
            allNever &= fp == PreferencePin.NEVER;
        }
        if (!allNever) {
            for (PreferencePin pin : specificPins) {
                if (!pin.namesPackage(p, nativeArchitecture)) {
                    continue;
                }
                for (PackageFile f : files) {
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

    public List<PackageVersion> packages() {
        return packages;
    }

    public List<PackageVersion> installedPackages() {
        List<PackageVersion> result = new ArrayList<>();
        for (int i = 0; i < installed.length; i++) {
            if (installed[i]) {
                result.add(packages.get(i));
            }
        }
        return result;
    }

    /** All versions (all architectures) of a real package name. */
    public List<PackageVersion> versions(String name) {
        return ids(byName.get(name)).stream().map(packages::get).toList();
    }

    /** The version apt would install for {@code name:arch}. */
    public Optional<PackageVersion> candidate(String name, String architecture) {
        int id = candidateId(name, architecture);
        return id < 0 ? Optional.empty() : Optional.of(packages.get(id));
    }

    public Optional<PackageVersion> installedVersion(String name, String architecture) {
        int id = installedId(name, architecture);
        return id < 0 ? Optional.empty() : Optional.of(packages.get(id));
    }

    // ---- internal, by package number ----

    int size() {
        return packages.size();
    }

    PackageVersion get(int id) {
        return packages.get(id);
    }

    int priority(int id) {
        return priority[id];
    }

    /** The pin priority of a version, as {@code apt-cache policy} shows it. */
    public OptionalInt priority(PackageVersion p) {
        for (int id : idsByName(p.name())) {
            PackageVersion q = packages.get(id);
            if (q.architecture().equals(p.architecture()) && q.version().equals(p.version())) {
                return OptionalInt.of(priority[id]);
            }
        }
        return OptionalInt.empty();
    }

    boolean isInstalled(int id) {
        return installed[id];
    }

    boolean isHeld(int id) {
        return held[id];
    }

    /** Installed only to satisfy other packages (apt's extended_states {@code Auto-Installed: 1}). */
    boolean isAutomatic(int id) {
        return automatic[id];
    }

    boolean isCandidate(int id) {
        return candidate[id];
    }

    /** The candidate of {@code name:arch}, or -1. */
    int candidateId(String name, String architecture) {
        for (int id : idsByName(name)) {
            if (packages.get(id).architecture().equals(architecture)) {
                return candidateOf[id];
            }
        }
        return -1;
    }

    /** The installed version of {@code name:arch}, or -1. */
    int installedId(String name, String architecture) {
        for (int id : idsByName(name)) {
            if (packages.get(id).architecture().equals(architecture)) {
                return installedOf[id];
            }
        }
        return -1;
    }

    /** The candidate of the package's own name:arch. */
    int candidateOf(int id) {
        return candidateOf[id];
    }

    int[] idsByName(String name) {
        int[] ids = byName.get(name);
        return ids == null ? new int[0] : ids;
    }

    int[] idsProviding(String name) {
        int[] ids = providers.get(name);
        return ids == null ? new int[0] : ids;
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
        PackageVersion depender = packages.get(from);
        String dependerArch = effectiveArchitecture(depender);
        int[] real = idsByName(relation.name());
        int[] virtual = idsProviding(relation.name());
        int[] out = new int[real.length + virtual.length];
        int n = 0;
        if (!(conflict && relation.name().equals(depender.name()))) {
            for (int id : real) {
                PackageVersion q = packages.get(id);
                if (relation.allows(q.version()) && architectureMatches(dependerArch, relation, q, conflict)) {
                    out[n++] = id;
                }
            }
        }
        for (int id : virtual) {
            PackageVersion q = packages.get(id);
            if (conflict && q.name().equals(depender.name())) {
                continue; // a package may conflict with a virtual package it provides itself
            }
            if (!architectureMatches(dependerArch, relation, q, conflict)) {
                continue;
            }
            for (Relation provide : q.provides()) {
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

    private boolean architectureMatches(String dependerArch, Relation relation, PackageVersion q, boolean conflict) {
        String qualifier = relation.architecture();
        String targetArch = effectiveArchitecture(q);
        if (qualifier == null) {
            if (conflict) {
                return true;
            }
            return targetArch.equals(dependerArch) || q.multiArch() == MultiArch.FOREIGN;
        }
        if (qualifier.equals("any")) {
            // pkg:any is meant for Multi-Arch: allowed; foreign packages satisfy any architecture anyway.
            return q.multiArch() == MultiArch.ALLOWED || q.multiArch() == MultiArch.FOREIGN
                    || targetArch.equals(dependerArch);
        }
        if (qualifier.equals("native")) {
            return targetArch.equals(nativeArchitecture);
        }
        return targetArch.equals(qualifier);
    }

    private static List<Integer> ids(int[] ids) {
        if (ids == null) {
            return List.of();
        }
        return Arrays.stream(ids).boxed().toList();
    }

    /**
     * Where a version was found: an index with its Release attributes, an index with a priority given by the caller
     * ({@code fixedPriority}, not subject to general pins), or the dpkg status file.
     */
    private record PackageFile(IndexRelease release, Integer fixedPriority) {
        static final PackageFile STATUS = new PackageFile(IndexRelease.STATUS, null);
    }

    /** Collects packages; later additions of an already known name, architecture and version only raise its priority. */
    public static final class Builder {
        private final String nativeArchitecture;
        private final Set<String> architectures = new LinkedHashSet<>();
        private final List<PackageVersion> packages = new ArrayList<>();
        private final List<List<PackageFile>> filesOf = new ArrayList<>();
        private final Set<Integer> installedIds = new HashSet<>();
        private final Set<String> holds = new HashSet<>();
        private final Map<String, List<Integer>> idsByName = new HashMap<>();
        private final Set<Integer> forcedCandidates = new HashSet<>();
        private final List<PreferencePin> pins = new ArrayList<>();
        private final Map<Integer, PackageFile> fixedFiles = new HashMap<>();
        private final Map<IndexRelease, PackageFile> releaseFiles = new HashMap<>();
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
            add(p, fixedFiles.computeIfAbsent(pinPriority, x -> new PackageFile(IndexRelease.UNKNOWN, x)), false);
            return this;
        }

        /**
         * Adds a version from an index with these Release attributes: its priority is the Release's default
         * (500), or that of the first general pin matching the index, unless a specific pin names it.
         */
        public Builder addAvailable(PackageVersion p, IndexRelease release) {
            add(p, releaseFiles.computeIfAbsent(release, x -> new PackageFile(x, null)), false);
            return this;
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
            int id = find(p);
            if (id >= 0) {
                forcedCandidates.add(id);
            }
            return this;
        }

        /** The number of the same name, architecture and version (equal as written), or -1. */
        private int find(PackageVersion p) {
            List<Integer> ids = idsByName.get(p.name());
            if (ids != null) {
                for (int id : ids) {
                    PackageVersion q = packages.get(id);
                    if (q.architecture().equals(p.architecture()) && q.version().equals(p.version())) {
                        return id;
                    }
                }
            }
            return -1;
        }

        private void add(PackageVersion p, PackageFile file, boolean isInstalled) {
            if (!p.architecture().equals("all") && !architectures.contains(p.architecture())) {
                return;
            }
            int existing = find(p);
            if (existing < 0) {
                int id = packages.size();
                packages.add(p);
                List<PackageFile> files = new ArrayList<>(1);
                files.add(file);
                filesOf.add(files);
                idsByName.computeIfAbsent(p.name(), k -> new ArrayList<>(1)).add(id);
                if (isInstalled) {
                    installedIds.add(id);
                }
                return;
            }
            List<PackageFile> files = filesOf.get(existing);
            // The index copy of a record is the one to keep: a status stanza may lack fields.
            if (!isInstalled && files.size() == 1 && files.get(0) == PackageFile.STATUS) {
                packages.set(existing, p);
            }
            if (!files.contains(file)) {
                files.add(file);
            }
            if (isInstalled) {
                installedIds.add(existing);
            }
        }

        public Universe build() {
            return new Universe(this);
        }
    }
}
