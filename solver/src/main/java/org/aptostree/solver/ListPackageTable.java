package org.aptostree.solver;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.aptostree.deb.control.Relation;
import org.aptostree.deb.index.MultiArch;
import org.aptostree.deb.version.Version;

/** A table over package versions a caller added one by one (already free of duplicates: the builder sees to it). */
final class ListPackageTable implements PackageTable {
    private static final int[] NONE = new int[0];
    private final List<PackageVersion> packages;
    private final Map<String, int[]> byName;
    private final Map<String, int[]> providers;
    private final Set<String> architectures = new LinkedHashSet<>();

    ListPackageTable(List<PackageVersion> packages) {
        this.packages = List.copyOf(packages);
        Map<String, List<Integer>> named = new HashMap<>();
        Map<String, List<Integer>> provided = new HashMap<>();
        for (int row = 0; row < this.packages.size(); row++) {
            PackageVersion p = this.packages.get(row);
            architectures.add(p.architecture());
            named.computeIfAbsent(p.name(), k -> new ArrayList<>(1)).add(row);
            for (Relation provide : p.provides()) {
                List<Integer> rows = provided.computeIfAbsent(provide.name(), k -> new ArrayList<>(2));
                if (rows.isEmpty() || rows.get(rows.size() - 1) != row) {
                    rows.add(row);
                }
            }
        }
        this.byName = toArrays(named);
        this.providers = toArrays(provided);
    }

    private static Map<String, int[]> toArrays(Map<String, List<Integer>> lists) {
        Map<String, int[]> result = new HashMap<>(lists.size() * 2);
        lists.forEach((k, v) -> result.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
        return result;
    }

    @Override
    public int size() {
        return packages.size();
    }

    @Override
    public PackageVersion get(int row) {
        return packages.get(row);
    }

    @Override
    public String name(int row) {
        return packages.get(row).name();
    }

    @Override
    public String architecture(int row) {
        return packages.get(row).architecture();
    }

    @Override
    public Version version(int row) {
        return packages.get(row).version();
    }

    @Override
    public MultiArch multiArch(int row) {
        return packages.get(row).multiArch();
    }

    @Override
    public int[] rowsNamed(String name) {
        return byName.getOrDefault(name, NONE);
    }

    @Override
    public int[] rowsProviding(String name) {
        return providers.getOrDefault(name, NONE);
    }

    @Override
    public Set<String> architectures() {
        return architectures;
    }
}
