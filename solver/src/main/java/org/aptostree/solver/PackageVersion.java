package org.aptostree.solver;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.aptostree.deb.control.Dependency;
import org.aptostree.deb.control.Relation;
import org.aptostree.deb.index.MultiArch;
import org.aptostree.deb.index.PackageRecord;
import org.aptostree.deb.version.Version;

/**
 * One version of one package for one architecture, with the fields that matter to solving.
 *
 * @param provides   Provides entries (single relations, optionally {@code (= version)})
 * @param conflicts  Conflicts entries (single-alternative dependencies)
 * @param breaks     Breaks entries (solved like Conflicts, as dose and libsolv do)
 */
public record PackageVersion(String name, Version version, String architecture, MultiArch multiArch,
        boolean essential, boolean protectedPackage,
        List<Dependency> preDepends, List<Dependency> depends, List<Dependency> recommends,
        List<Dependency> conflicts, List<Dependency> breaks, List<Relation> provides) {

    public PackageVersion {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(multiArch, "multiArch");
        preDepends = List.copyOf(preDepends);
        depends = List.copyOf(depends);
        recommends = List.copyOf(recommends);
        conflicts = List.copyOf(conflicts);
        breaks = List.copyOf(breaks);
        provides = List.copyOf(provides);
    }

    /** A package with no relations; tests and callers add fields with the {@code with…} methods. */
    public static PackageVersion of(String name, Version version, String architecture) {
        return new PackageVersion(name, version, architecture, MultiArch.NO, false, false,
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }

    public PackageVersion withDepends(List<Dependency> value) {
        return new PackageVersion(name, version, architecture, multiArch, essential, protectedPackage,
                preDepends, value, recommends, conflicts, breaks, provides);
    }

    public PackageVersion withPreDepends(List<Dependency> value) {
        return new PackageVersion(name, version, architecture, multiArch, essential, protectedPackage,
                value, depends, recommends, conflicts, breaks, provides);
    }

    public PackageVersion withRecommends(List<Dependency> value) {
        return new PackageVersion(name, version, architecture, multiArch, essential, protectedPackage,
                preDepends, depends, value, conflicts, breaks, provides);
    }

    public PackageVersion withConflicts(List<Dependency> value) {
        return new PackageVersion(name, version, architecture, multiArch, essential, protectedPackage,
                preDepends, depends, recommends, value, breaks, provides);
    }

    public PackageVersion withBreaks(List<Dependency> value) {
        return new PackageVersion(name, version, architecture, multiArch, essential, protectedPackage,
                preDepends, depends, recommends, conflicts, value, provides);
    }

    public PackageVersion withProvides(List<Relation> value) {
        return new PackageVersion(name, version, architecture, multiArch, essential, protectedPackage,
                preDepends, depends, recommends, conflicts, breaks, value);
    }

    public PackageVersion withMultiArch(MultiArch value) {
        return new PackageVersion(name, version, architecture, value, essential, protectedPackage,
                preDepends, depends, recommends, conflicts, breaks, provides);
    }

    public PackageVersion withEssential(boolean value) {
        return new PackageVersion(name, version, architecture, multiArch, value, protectedPackage,
                preDepends, depends, recommends, conflicts, breaks, provides);
    }

    /**
     * The solver's view of a Packages or status stanza. {@code Protected: yes} counts like Essential for
     * removal; Provides are flattened to single relations (dpkg forbids alternatives there).
     */
    public static PackageVersion from(PackageRecord r) {
        List<Relation> provides = new ArrayList<>();
        for (Dependency d : r.provides()) {
            provides.addAll(d.alternatives());
        }
        return new PackageVersion(r.name(), r.version(), r.architecture(), r.multiArch(), r.essential(),
                "yes".equals(r.field("Protected")), r.preDepends(), r.depends(), r.recommends(), r.conflicts(),
                r.breaks(), provides);
    }

    /** {@code name:arch}, the unit of "one version at a time". */
    public String nameArch() {
        return name + ":" + architecture;
    }

    /** {@code name version arch}, as plans print it. */
    @Override
    public String toString() {
        return name + " " + version + " " + architecture;
    }
}
